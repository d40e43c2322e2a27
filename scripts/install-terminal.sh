#!/usr/bin/env bash
# Install or upgrade the kiosk on a terminal (Debian 12, as root) from a signed release bundle
# (scripts/make-release.sh): verify the bundle, install it offline into /opt/heyuan-kiosk/releases/<version>,
# switch /opt/heyuan-kiosk/current, restart kiosk.service, and go back to the previous release by itself when the
# new one does not reach READY (sd_notify) in time or keeps crashing.
#
#   sudo install-terminal.sh [options] BUNDLE              BUNDLE: heyuan-kiosk-<version>/ or its .tar
#   sudo install-terminal.sh [options] --rollback          back to the previous release
#   sudo install-terminal.sh [options] --seal-credentials  seal the plain keys to the TPM2 now, restart the kiosk
#     --trust KEY.pub     first install: trust this release-signing public key (kept in /etc/heyuan-kiosk)
#     --no-apt            do not install system packages      --no-enable   do not enable the unit
#     --ready-timeout S   wait S seconds for READY (90)         --settle S    must then stay up S seconds (20)
#     --max-restarts N    this many crashes count as a crash loop (2)
#     --root DIR          install under DIR instead of / (tests; no apt, users, chown or udev reload)
#     --python PY         the interpreter for the release's virtualenv (python3.11)
#     --tpm2-pcrs LIST    bind the sealed keys also to these PCRs, e.g. 7 ("": the TPM2 chip only; default)
# Exit: 0 installed and READY · 2 bad usage · 3 bundle refused (signature, digests) · 4 the new release failed
# and the previous one runs again · 1 any other failure.
set -euo pipefail

ROOT=/
APP_USER=heyuan-kiosk
GROUPS_NEEDED=(dialout video lp input render audio)
APT=1 ENABLE=1 READY_TIMEOUT=90 SETTLE=20 MAX_RESTARTS=2 PYTHON=python3.11 TRUST="" BUNDLE="" ROLLBACK=0
SEAL_ONLY=0 PCRS=""
UNIT=kiosk.service

while [ $# -gt 0 ]; do
  case "$1" in
    --no-apt) APT=0 ;;
    --no-enable) ENABLE=0 ;;
    --trust) TRUST=$2; shift ;;
    --ready-timeout) READY_TIMEOUT=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --max-restarts) MAX_RESTARTS=$2; shift ;;
    --root) ROOT=$2; shift ;;
    --python) PYTHON=$2; shift ;;
    --rollback) ROLLBACK=1 ;;
    --seal-credentials) SEAL_ONLY=1 ;;
    --tpm2-pcrs) PCRS=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "install-terminal: unknown option $1" >&2; exit 2 ;;
    *) BUNDLE=$1 ;;
  esac
  shift
done

ROOT=${ROOT%/}
PREFIX=$ROOT/opt/heyuan-kiosk
CONF_DIR=$ROOT/etc/heyuan-kiosk
STATE_DIR=$ROOT/var/lib/heyuan-kiosk
PUBKEY=$CONF_DIR/release-signing.pub
CREDSTORE=$ROOT/etc/credstore.encrypted
SYSTEM=0; [ -z "$ROOT" ] && SYSTEM=1          # a real terminal (not a test root)
step() { echo "install-terminal: $*"; }
die() { echo "install-terminal: $2" >&2; exit "$1"; }
[ "$(id -u)" = 0 ] || [ "$SYSTEM" = 0 ] || die 2 "run as root"
[ -n "$BUNDLE" ] || [ "$ROLLBACK" = 1 ] || [ "$SEAL_ONLY" = 1 ] \
  || die 2 "usage: install-terminal.sh [options] BUNDLE | --rollback | --seal-credentials"

# --- the service: restart, then wait for READY and a quiet settle time ----------------------------------------
STATE=""
query() { STATE=$(systemctl show "$UNIT" -p ActiveState -p SubState -p NRestarts 2>/dev/null || true); }
prop() { sed -n "s/^$1=//p" <<<"$STATE"; }

start_and_wait() {   # 0: READY and stayed up; 1: no READY in time, or a crash loop (reason in $WHY)
  local last restarts=0 n state sub deadline ready=0
  query; last=$(prop NRestarts); last=${last:-0}
  systemctl restart --no-block "$UNIT"
  deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    sleep 0.5
    query; n=$(prop NRestarts); n=${n:-0}; state=$(prop ActiveState); sub=$(prop SubState)
    if [ "$n" -gt "$last" ]; then restarts=$((restarts + n - last)); fi
    last=$n
    if [ "$restarts" -ge "$MAX_RESTARTS" ]; then WHY="crash loop ($restarts restarts)"; return 1; fi
    if [ "$ready" = 0 ] && [ "$state" = active ] && [ "$sub" = running ]; then
      ready=1; deadline=$((SECONDS + SETTLE)); step "  READY; watching it for ${SETTLE}s"
    elif [ "$ready" = 1 ] && [ "$state" != active ]; then
      WHY="stopped after READY ($state/$sub)"; return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ "$ready" = 1 ] && return 0
      WHY="no READY within ${READY_TIMEOUT}s ($state/$sub)"; return 1
    fi
  done
}

switch_to() {        # atomically point current at releases/$1
  ln -sfn "releases/$1" "$PREFIX/current.new"
  mv -Tf "$PREFIX/current.new" "$PREFIX/current"
}

current_version() { local t; t=$(readlink "$PREFIX/current" 2>/dev/null) || return 0; basename "$t"; }

# --- keys at rest: sealed to the TPM2 as systemd credentials (kiosk.service: LoadCredentialEncrypted=) ----------
seal() {             # seal NAME SOURCE|- : /etc/credstore.encrypted/heyuan-kiosk.NAME, bound to this TPM2
  local out=$CREDSTORE/heyuan-kiosk.$1
  systemd-creds encrypt --with-key=tpm2 --tpm2-pcrs="$PCRS" --name="$1" "$2" "$out.new" && chmod 0600 "$out.new" \
    && mv -f "$out.new" "$out"
}
seal_secrets() {
  if ! command -v systemd-creds >/dev/null 2>&1 || ! systemd-creds has-tpm2 >/dev/null 2>&1; then
    echo "install-terminal: WARNING: no usable TPM2: the journal key and the kiosk's TLS key stay in PLAIN FILES" \
      "on this disk (the maintenance screen and the metrics say so); see deploy/README.md, full-disk encryption" >&2
    return 0
  fi
  install -d -m 0700 "$CREDSTORE"
  # A plain journal key is the one the journal is encrypted with (an earlier release's, or the fallback's).
  if [ -f "$STATE_DIR/journal.key" ]; then
    seal journal.key "$STATE_DIR/journal.key" || die 1 "could not seal the journal key (nothing was removed)"
    shred -u "$STATE_DIR/journal.key" 2>/dev/null || rm -f "$STATE_DIR/journal.key"
    step "  journal key sealed to the TPM2; its plain file removed"
  elif [ ! -f "$CREDSTORE/heyuan-kiosk.journal.key" ] && [ ! -f "$STATE_DIR/journal.sqlite3" ]; then
    openssl rand -base64 32 | tr '+/' '-_' | seal journal.key - || die 1 "could not seal a new journal key"  # Fernet
    step "  a new journal key, sealed to the TPM2 (never on the disk in plain)"
  fi
  if [ -f "$CONF_DIR/tls/kiosk.key" ]; then
    seal kiosk.key "$CONF_DIR/tls/kiosk.key" || die 1 "could not seal the TLS key (nothing was removed)"
    shred -u "$CONF_DIR/tls/kiosk.key" 2>/dev/null || rm -f "$CONF_DIR/tls/kiosk.key"
    step "  TLS client key sealed to the TPM2; its plain file removed"
  fi
}

if [ "$SEAL_ONLY" = 1 ]; then
  now=$(current_version)
  [ -n "$now" ] || die 1 "no release installed yet"
  step "sealing the keys of release $now"
  seal_secrets
  start_and_wait || die 4 "the kiosk did not come up with the sealed keys: $WHY"
  step "release $now is running"; exit 0
fi

if [ "$ROLLBACK" = 1 ]; then
  prev=$(readlink "$PREFIX/previous" 2>/dev/null || true)
  [ -n "$prev" ] || die 1 "no previous release recorded in $PREFIX/previous"
  prev=$(basename "$prev"); now=$(current_version)
  step "rolling back from $now to $prev"
  switch_to "$prev"
  ln -sfn "releases/$now" "$PREFIX/previous"
  start_and_wait || die 4 "release $prev did not come up either: $WHY"
  step "release $prev is running"; exit 0
fi

# --- verify the bundle --------------------------------------------------------------------------------------------
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -f "$BUNDLE" ]; then
  # only plain files and folders, below the top folder: no links, devices, absolute or .. paths
  listing=$(tar -tvf "$BUNDLE" 2>/dev/null) && names=$(tar -tf "$BUNDLE" 2>/dev/null) \
    || die 3 "refused: $BUNDLE is not a tar archive"
  if grep -qv '^[-d]' <<<"$listing" || grep -qE '(^/|(^|/)\.\.(/|$))' <<<"$names"; then
    die 3 "refused: $BUNDLE holds links, special files or paths outside its folder"
  fi
  tar -xf "$BUNDLE" -C "$WORK" --no-same-owner --no-same-permissions
  B=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d | head -1)
else
  B=$(cd "$BUNDLE" && pwd)
fi
[ -n "$B" ] && [ -f "$B/MANIFEST" ] && [ -f "$B/MANIFEST.sig" ] || die 3 "refused: $BUNDLE is not a release bundle (no MANIFEST/MANIFEST.sig)"
if [ -n "$TRUST" ]; then
  if [ -f "$PUBKEY" ] && ! cmp -s "$TRUST" "$PUBKEY"; then
    die 3 "refused: $PUBKEY already trusts another key (remove it by hand to change the signing key)"
  fi
  install -d -m 0755 "$CONF_DIR"; install -m 0644 "$TRUST" "$PUBKEY"
fi
[ -f "$PUBKEY" ] || die 3 "refused: no trusted release key ($PUBKEY); give it once with --trust KEY.pub"
openssl pkeyutl -verify -pubin -inkey "$PUBKEY" -rawin -in "$B/MANIFEST" -sigfile "$B/MANIFEST.sig" >/dev/null 2>&1 \
  || die 3 "refused: the signature of $B/MANIFEST does not verify with $PUBKEY"
[ "$(head -1 "$B/MANIFEST")" = "# heyuan-kiosk release manifest 1" ] || die 3 "refused: unknown manifest format"
(cd "$B" && grep -v '^#' MANIFEST | sha256sum --check --strict --quiet) >/dev/null 2>&1 \
  || die 3 "refused: a file of the bundle does not match its digest in the signed MANIFEST"
listed=$(grep -v '^#' "$B/MANIFEST" | cut -c67- | sort)
present=$(cd "$B" && find . -type f ! -name MANIFEST ! -name MANIFEST.sig | sed 's#^\./##' | sort)
[ "$listed" = "$present" ] || die 3 "refused: the bundle holds files the signed MANIFEST does not list"
VERSION=$(sed -n 's/^# version //p' "$B/MANIFEST")
[[ "$VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] || die 3 "refused: bad version '$VERSION'"
step "bundle $VERSION verified (Ed25519 signature, $(echo "$listed" | wc -l) files)"

# --- system set-up (a real terminal only) ------------------------------------------------------------------------
if [ "$SYSTEM" = 1 ]; then
  if [ "$APT" = 1 ]; then
    step "system packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cage python3.11 python3.11-venv openssl \
      libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libgles2 libmtdev1 >/dev/null
  fi
  step "user $APP_USER"
  if ! id "$APP_USER" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/heyuan-kiosk --no-create-home --shell /usr/sbin/nologin \
      --comment "Heyuan marriage registration kiosk" "$APP_USER"
  fi
  for g in "${GROUPS_NEEDED[@]}"; do getent group "$g" >/dev/null || groupadd --system "$g"; done
  usermod -a -G "$(IFS=,; echo "${GROUPS_NEEDED[*]}")" "$APP_USER"
fi

# --- the release, offline ----------------------------------------------------------------------------------------
REL=$PREFIX/releases/$VERSION
CURRENT=$(current_version)
install -d -m 0755 "$PREFIX/releases"
if [ "$CURRENT" = "$VERSION" ] && [ -f "$REL/.installed" ]; then
  step "release $VERSION is already the current one"; exit 0
fi
rm -rf "$REL"                 # an earlier, failed or half-done attempt at this version
step "installing $VERSION into $REL (offline)"
"$PYTHON" -m venv "$REL/venv"
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
if ! "$REL/venv/bin/python" -m pip install -q --no-index --find-links "$B/wheelhouse" --require-hashes \
       -r "$B/requirements.lock" \
   || ! "$REL/venv/bin/python" -m pip install -q --no-index --no-deps "$B"/wheel/*.whl; then
  rm -rf "$REL"; die 1 "pip could not install the release (nothing was switched)"
fi
cp -r "$B/deploy" "$REL/deploy"
cp "$B/MANIFEST" "$B/install-terminal.sh" "$REL/"
chmod 0755 "$REL/install-terminal.sh"
touch "$REL/.installed"
if [ "$SYSTEM" = 1 ]; then chown -R root:root "$REL"; chmod -R go-w "$REL"; fi

# --- configuration, state, udev, PAM, unit -------------------------------------------------------------------------
localize() {   # the unit and rules name the real paths; under a test root they point into it
  if [ "$SYSTEM" = 1 ]; then cat "$1"; else
    sed -e "s#/opt/heyuan-kiosk#$PREFIX#g" -e "s#/etc/heyuan-kiosk#$CONF_DIR#g" -e "s#/var/lib/heyuan-kiosk#$STATE_DIR#g" \
      -e "s#/etc/credstore.encrypted#$CREDSTORE#g" "$1"
  fi
}
owner=(); [ "$SYSTEM" = 1 ] && owner=(-o root -g "$APP_USER")
install -d -m 0750 "${owner[@]}" "$CONF_DIR"
if [ ! -f "$CONF_DIR/kiosk.toml" ]; then
  install -m 0640 "${owner[@]}" "$REL/deploy/kiosk.production.toml" "$CONF_DIR/kiosk.toml"
  step "  wrote $CONF_DIR/kiosk.toml — set kiosk.id, kiosk.office and backend.url"
fi
"$REL/venv/bin/kiosk-diag" config check "$CONF_DIR/kiosk.toml" \
  || { touch "$REL/.failed"; die 1 "release $VERSION rejects $CONF_DIR/kiosk.toml (nothing was switched)"; }
state_owner=(); [ "$SYSTEM" = 1 ] && state_owner=(-o "$APP_USER" -g "$APP_USER")
install -d -m 0700 "${state_owner[@]}" "$STATE_DIR" "$STATE_DIR/kivy"
install -d -m 0755 "$ROOT/etc/udev/rules.d" "$ROOT/etc/pam.d" "$ROOT/etc/systemd/system"
localize "$REL/deploy/99-heyuan-kiosk.rules" > "$ROOT/etc/udev/rules.d/99-heyuan-kiosk.rules"
install -m 0644 "$REL/deploy/pam.d-heyuan-kiosk" "$ROOT/etc/pam.d/heyuan-kiosk"
localize "$REL/deploy/kiosk.service" > "$ROOT/etc/systemd/system/$UNIT"
chmod 0644 "$ROOT/etc/udev/rules.d/99-heyuan-kiosk.rules" "$ROOT/etc/systemd/system/$UNIT"
if [ "$SYSTEM" = 1 ]; then
  install -d -m 0750 -o "$APP_USER" -g "$APP_USER" /var/log/heyuan-kiosk
  if command -v udevadm >/dev/null; then
    udevadm control --reload || true
    udevadm trigger --action=change --subsystem-match=tty --subsystem-match=usbmisc --subsystem-match=usb \
      --subsystem-match=video4linux --subsystem-match=input || true
  fi
fi
systemctl daemon-reload
if [ "$ENABLE" = 1 ]; then
  [ "$SYSTEM" = 1 ] && { systemctl set-default graphical.target; systemctl disable getty@tty1.service 2>/dev/null || true; }
  systemctl enable "$UNIT"
fi

seal_secrets

# --- switch, restart, and roll back by itself ---------------------------------------------------------------------
switch_to "$VERSION"
if [ "$SYSTEM" = 1 ] && ! systemd-analyze verify "/etc/systemd/system/$UNIT"; then   # needs current/ in place
  [ -n "$CURRENT" ] && switch_to "$CURRENT"
  touch "$REL/.failed"; die 1 "kiosk.service of $VERSION does not verify (switched back; see above)"
fi
step "current → $VERSION${CURRENT:+ (was $CURRENT)}; restarting $UNIT"
if start_and_wait; then
  [ -n "$CURRENT" ] && [ "$CURRENT" != "$VERSION" ] && ln -sfn "releases/$CURRENT" "$PREFIX/previous"
  touch "$REL/.ready"
  # keep the current, the previous and one more good release
  keep=("$VERSION" "$CURRENT")
  for old in $(ls -1t "$PREFIX/releases" | tail -n +4); do
    [[ " ${keep[*]} " == *" $old "* ]] || rm -rf "${PREFIX:?}/releases/$old"
  done
  step "release $VERSION is running"
  grep -Eq '^\s*pin_hash\s*=\s*"scrypt' "$CONF_DIR/kiosk.toml" \
    || step "no technician PIN yet: $PREFIX/current/venv/bin/kiosk-diag pin set --write $CONF_DIR/kiosk.toml"
  exit 0
fi
touch "$REL/.failed"
if [ -z "$CURRENT" ] || [ "$CURRENT" = "$VERSION" ]; then
  die 4 "release $VERSION did not come up: $WHY; no earlier release to go back to (journalctl -u kiosk)"
fi
echo "install-terminal: release $VERSION did not come up: $WHY — rolling back to $CURRENT" >&2
switch_to "$CURRENT"
start_and_wait || die 4 "rolled back to $CURRENT, but it does not come up either: $WHY"
die 4 "rolled back: $CURRENT is running again; $VERSION is kept in $REL (marked .failed) for inspection"
