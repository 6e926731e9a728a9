#!/bin/sh
# The scheduler service: the periodic commands, every SCHEDULER_INTERVAL seconds (default: hourly; both are
# idempotent, so running them more often than daily is harmless and keeps reminders on time).
set -u
while true; do
    python manage.py expire_plans || echo "expire_plans failed; retried next round"
    python manage.py cleartokens || echo "cleartokens failed; retried next round"
    sleep "${SCHEDULER_INTERVAL:-3600}"
done
