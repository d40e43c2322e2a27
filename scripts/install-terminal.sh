#!/usr/bin/env bash
# Install the kiosk on a real terminal (Debian 12, run as root from a checkout or an unpacked release):
#   the cage compositor, a dedicated user in the device groups, the app and its virtualenv in /opt/heyuan-kiosk,
#   /etc/heyuan-kiosk/kiosk.toml (kept if present), udev rules for stable device names, the PAM stack,
#   kiosk.service (enabled on graphical.target, replacing the tty1 login prompt).
# Idempotent: run it again to upgrade the app; the config, the state dir and the PIN stay.
#
#   sudo scripts/install-terminal.sh [--no-apt] [--no-enable] [--prefix /opt/heyuan-kiosk]
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/heyuan-kiosk
APP_USER=heyuan-kiosk
STATE_DIR=/var/lib/heyuan-kiosk
CONF_DIR=/etc/heyuan-kiosk
GROUPS_NEEDED=(dialout video lp input render audio)
APT=1
ENABLE=1

while [ $# -gt 0 ]; do
  case "$1" in
    --no-apt) APT=0 ;;
    --no-enable) ENABLE=0 ;;
    --prefix) PREFIX=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-terminal: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ "$(id -u)" = 0 ] || { echo "install-terminal: run as root" >&2; exit 2; }
step() { echo "install-terminal: $*"; }

if [ "$APT" = 1 ]; then
  step "system packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cage python3.11 python3.11-venv rsync \
    libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libgles2 libmtdev1 >/dev/null
fi

step "user $APP_USER"
if ! id "$APP_USER" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin \
    --comment "Heyuan marriage registration kiosk" "$APP_USER"
fi
for g in "${GROUPS_NEEDED[@]}"; do
  getent group "$g" >/dev/null || groupadd --system "$g"
done
usermod -a -G "$(IFS=,; echo "${GROUPS_NEEDED[*]}")" "$APP_USER"

step "application in $PREFIX"
install -d -m 0755 "$PREFIX"
rsync -a --delete --exclude .venv --exclude .git --exclude tests --exclude '__pycache__' \
  --exclude .pytest_cache --exclude .hypothesis "$SRC"/ "$PREFIX"/
[ -x "$PREFIX/.venv/bin/python" ] || python3.11 -m venv "$PREFIX/.venv"
"$PREFIX/.venv/bin/pip" install -q --upgrade pip
"$PREFIX/.venv/bin/pip" install -q "$PREFIX"
chown -R root:root "$PREFIX"
chmod -R go-w "$PREFIX"

step "configuration in $CONF_DIR"
install -d -m 0750 -o root -g "$APP_USER" "$CONF_DIR"
if [ ! -f "$CONF_DIR/kiosk.toml" ]; then
  install -m 0640 -o root -g "$APP_USER" "$SRC/deploy/kiosk.production.toml" "$CONF_DIR/kiosk.toml"
  step "  wrote $CONF_DIR/kiosk.toml — set kiosk.id, kiosk.office and backend.url"
fi
"$PREFIX/.venv/bin/kiosk-diag" config check "$CONF_DIR/kiosk.toml"

step "state dir $STATE_DIR"
install -d -m 0700 -o "$APP_USER" -g "$APP_USER" "$STATE_DIR" "$STATE_DIR/kivy"
install -d -m 0750 -o "$APP_USER" -g "$APP_USER" /var/log/heyuan-kiosk

step "udev rules"
install -m 0644 "$SRC/deploy/99-heyuan-kiosk.rules" /etc/udev/rules.d/99-heyuan-kiosk.rules
if command -v udevadm >/dev/null; then
  udevadm control --reload || true
  udevadm trigger --action=change --subsystem-match=tty --subsystem-match=usbmisc --subsystem-match=usb \
    --subsystem-match=video4linux --subsystem-match=input || true
fi

step "PAM stack and systemd unit"
install -m 0644 "$SRC/deploy/pam.d-heyuan-kiosk" /etc/pam.d/heyuan-kiosk
install -m 0644 "$SRC/kiosk.service" /etc/systemd/system/kiosk.service
systemd-analyze verify /etc/systemd/system/kiosk.service
systemctl daemon-reload
if [ "$ENABLE" = 1 ]; then
  systemctl set-default graphical.target
  systemctl disable getty@tty1.service 2>/dev/null || true
  systemctl enable kiosk.service
  step "enabled; start now with: systemctl start kiosk (or reboot)"
fi

if ! grep -Eq '^\s*pin_hash\s*=\s*"scrypt' "$CONF_DIR/kiosk.toml"; then
  step "no technician PIN yet: $PREFIX/.venv/bin/kiosk-diag pin set --write $CONF_DIR/kiosk.toml"
fi
step "done. Logs: journalctl -u kiosk -f · audit: $PREFIX/.venv/bin/kiosk-diag audit verify --state-dir $STATE_DIR"
