// Shows why a security key or passkey step failed (allauth's webauthn.js dispatches `allauth.error`).
(function () {
  document.addEventListener('allauth.error', function (event) {
    event.preventDefault()
    const error = event.detail && event.detail.exception
    let box = document.getElementById('webauthn-error')
    if (!box) {
      box = document.createElement('p')
      box.id = 'webauthn-error'
      box.className = 'error error-form'
      box.setAttribute('role', 'alert')
      const main = document.getElementById('main')
      main.insertBefore(box, main.querySelector('form'))
    }
    box.textContent = error && error.name === 'NotAllowedError'
      ? 'The security key or passkey was not used (cancelled or timed out). Please try again.'
      : 'Your browser could not use a security key or passkey here' + (error && error.message ? ': ' + error.message : '.')
  })
})()
