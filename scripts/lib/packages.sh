# Installs the Debian packages named as arguments when any of them is missing.
# Sourced by the scripts; needs root (or sudo) only when something is missing.
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What every build needs: SQLite for GRDB, libcurl (OpenSSL TLS) for the outbound client, pkg-config, and MeCab
# with the IPA dictionary for danger detection.
BUILD_PACKAGES=(libsqlite3-dev libcurl4-openssl-dev libssl-dev pkg-config libmecab-dev mecab-ipadic-utf8)
# What the tests need besides: the openssl command makes the private CA of the TLS tests; libxml2 backs
# FoundationXML, which checks that the HTML statistics page is well-formed.
TEST_PACKAGES=(openssl ca-certificates libxml2)
# What scripts/test-console needs besides: Debian's Chromium and its driver for the real-browser test of the web
# console, Japanese fonts for its screenshots, and Python's venv for selenium from PyPI.
BROWSER_PACKAGES=(chromium chromium-driver fonts-noto-cjk python3 python3-venv)
# What scripts/package needs besides: dpkg-shlibdeps (dpkg-dev) to read Depends off the binaries, help2man for
# the man pages.
PACKAGE_PACKAGES=(dpkg-dev help2man)
