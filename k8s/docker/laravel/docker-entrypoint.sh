#!/bin/sh
# Prepares Laravel's writable directories and caches, then runs the container's command.
# Kubernetes mounts empty volumes over storage/framework and bootstrap/cache, so the
# directories Laravel expects must be created at start, not at build time.
set -eu

cd /var/www/html
mkdir -p storage/framework/cache/data storage/framework/sessions storage/framework/views bootstrap/cache

# Config, route and event caches are built here, never in the image: `config:cache` freezes
# the environment it sees, and only the pod sees this environment's ConfigMap and Secret.
if [ "${LARAVEL_OPTIMIZE_ON_START:-true}" = "true" ]; then
    php artisan optimize --no-interaction
fi

exec "$@"
