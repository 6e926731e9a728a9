"""The developer console: register and manage client apps, try them in the playground, discover apps, and the apps a person uses."""
