#!/usr/bin/env bash
# Serves a `releasedesk export` folder with Debian's nginx on 127.0.0.1, in the foreground,
# as a static host would: folders answer with their index.html (or index.json for API answers),
# so the live server's addresses work unchanged. Usage: scripts/nginx-static.sh DIR PORT
set -euo pipefail
site=$(realpath "$1")
port=$2
conf="$(dirname "$site")/nginx-$port"
mkdir -p "$conf"
chmod -R a+rX "$site"
cat >"$conf/nginx.conf" <<CONF
worker_processes auto;
pid $conf/nginx.pid;
error_log stderr error;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    types { text/calendar ics; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    # As a CDN would: text is gzipped for clients that ask (text/html always is).
    gzip on;
    gzip_types application/json text/css application/javascript image/svg+xml text/calendar application/atom+xml;
    client_body_temp_path $conf/body;
    proxy_temp_path $conf/proxy;
    fastcgi_temp_path $conf/fastcgi;
    uwsgi_temp_path $conf/uwsgi;
    scgi_temp_path $conf/scgi;
    server {
        listen 127.0.0.1:$port;
        root $site;
        index index.html index.json;
        location / { try_files \$uri \$uri/index.html \$uri/index.json =404; }
    }
}
CONF
exec nginx -c "$conf/nginx.conf" -g 'daemon off;'
