# apt_install WHO PACKAGE...: installs the Debian packages that are not
# installed yet, with sudo unless root; says which on stderr as "WHO: ...".
# Sourced by deploy/setup-debian.sh and tests/setup-tests.sh.
apt_install() {
  local who=$1
  shift
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  if ((${#missing[@]} == 0)); then
    echo "$who: all $# packages present" >&2
  else
    echo "$who: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" >&2
  fi
}
