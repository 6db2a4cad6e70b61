# Sourced by scripts/test: the system packages the suite drives for real, installed with apt
# when missing (these machines run as root with apt; nothing is downloaded outside it):
# redis-server (the Redis revocation cache) and Debian's chromium (the middleware's browser
# test, driven by playwright; never `playwright install`).
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "scripts/test needs ${missing[*]}: install them (apt-get as root), then run again" >&2
        exit 1
    fi
    echo "installing ${missing[*]} with apt-get (log: /tmp/realmid-apt.log)" >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/tmp/realmid-apt.log 2>&1; then
        cat /tmp/realmid-apt.log >&2
        exit 1
    fi
fi
