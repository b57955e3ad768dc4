# Shared set-up for scripts/run and scripts/test (sourced, not run): a .venv with the
# project and its dev extras, reinstalled only when pyproject.toml changes; helpers to
# install Debian packages when a binary is missing.
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
VENV="$ROOT/.venv"
STAMP="$VENV/.pyproject.sha256"
export PIP_DISABLE_PIP_VERSION_CHECK=1

header() { printf '\n==> %s\n' "$*"; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# ---------------------------------------------------------------- system packages

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* yourself"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root apt-get update
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

have_postgres_server_binaries() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    return 0
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------- python

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
  local candidate
  for candidate in python3 python3.14 python3.13 python3.12 python3.11 python; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

create_venv() {
  local python
  if ! python=$(find_python); then
    header "setup: no python3.11+ found, installing Debian's python3"
    apt_install python3 python3-venv
    python=$(find_python) || die "no python >= 3.11 after installing python3"
  fi
  header "setup: creating .venv with $python ($("$python" -V 2>&1))"
  rm -rf "$VENV"
  if ! "$python" -m venv "$VENV"; then
    # Debian's python3 ships venv/ensurepip separately.
    rm -rf "$VENV"
    apt_install "python3-venv" "$(basename "$python")-venv" || apt_install python3-venv
    "$python" -m venv "$VENV" || die "could not create .venv with $python"
  fi
}

if ! { [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; }; then
  create_venv
fi

want=$(sha256sum pyproject.toml | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  header "setup: pip install -e '.[dev]'"
  rm -f "$STAMP"
  "$VENV/bin/python" -m pip install --upgrade pip
  "$VENV/bin/python" -m pip install -e '.[dev]'
  printf '%s\n' "$want" >"$STAMP"
fi

export PATH="$VENV/bin:$PATH"
export VIRTUAL_ENV="$VENV"


# ---------------------------------------------------------------- fonts
# Invoice PDFs embed DejaVu Sans and Noto Sans CJK (gateway/delivery/fonts.py: serve and
# worker refuse to start without them, unless PDF_FONT_DIR names another place); the
# test suite renders PDFs to images with poppler's pdftoppm.
has_font() { [ -n "$(find /usr/share/fonts /usr/local/share/fonts -name "$1" -print -quit 2>/dev/null)" ]; }
missing_packages=()
if [ -z "${PDF_FONT_DIR:-}" ]; then
  has_font DejaVuSans-Bold.ttf || missing_packages+=(fonts-dejavu-core)
  has_font NotoSansCJK-Bold.ttc || missing_packages+=(fonts-noto-cjk)
fi
command -v pdftoppm >/dev/null 2>&1 || missing_packages+=(poppler-utils)
if [ "${#missing_packages[@]}" -gt 0 ]; then
  header "setup: installing ${missing_packages[*]}"
  apt_install "${missing_packages[@]}"
fi
