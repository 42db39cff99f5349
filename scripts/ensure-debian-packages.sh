#!/usr/bin/env bash
# Install the Debian packages Samla needs that a fresh machine may lack. Each argument is a set:
#   runtime  libmagic (file type detection), xmlsec1 (pysaml2 checks and makes SAML signatures with it)
#   npm      npm and Node.js (to install citeproc-js from its lock file)
#   test     + Chromium for the browser tests, GNU gettext for the catalogue test
#   bench    + ApacheBench for the load benchmarks
set -euo pipefail
needed=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
for set in "$@"; do
    case "$set" in
        runtime) have_lib libmagic.so.1 || needed+=(libmagic1); command -v xmlsec1 >/dev/null || needed+=(xmlsec1) ;;
        test) have_lib libmagic.so.1 || needed+=(libmagic1); command -v chromium >/dev/null || needed+=(chromium)
              command -v xmlsec1 >/dev/null || needed+=(xmlsec1)
              command -v xgettext >/dev/null || needed+=(gettext) ;;
        npm) command -v npm >/dev/null || needed+=(npm) ;;
        bench) command -v ab >/dev/null || needed+=(apache2-utils) ;;
        *) echo "unknown package set: $set" >&2; exit 2 ;;
    esac
done
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "Samla needs these Debian packages: ${needed[*]} (run: sudo apt-get install ${needed[*]})" >&2
    exit 1
fi
echo "Installing Debian packages: ${needed[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
