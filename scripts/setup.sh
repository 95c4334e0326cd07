#!/usr/bin/env bash
# Installs the Debian packages iccc-desk needs, only those missing. Usage: scripts/setup.sh desk|test
# Run as root (or with sudo available). Safe to run again: it does nothing when all is there.
set -euo pipefail

purpose="${1:-desk}"
# To build: GTK 3 for the native file dialog (rfd), pkg-config. To run the window: X11/xkb and GL/Vulkan
# loaders (wgpu falls back to Mesa's software Vulkan where the machine has no GPU driver).
packages=(pkg-config libgtk-3-dev libxkbcommon-x11-0 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libgl1 libegl1
  libvulkan1 mesa-vulkan-drivers)
if [ "$purpose" = "test" ]; then
  # Headless window and screenshots for UI checks.
  packages+=(xvfb xauth)
  # The window benches (benches/idle_cpu.rs, benches/keystroke.rs) click and type into the desk under Xvfb.
  packages+=(xdotool)
  # Real camera-like servers that tests start on 127.0.0.1 (tests/support/, tests/common/real_servers.rs):
  # GStreamer's RTSP server driven from the system Python (H.264 via x264enc), Apache with Digest auth for snapshots.
  packages+=(gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-ugly apache2 apache2-utils)
  # lighttpd: a second snapshot server vendor (mod_auth Digest); GStreamer "bad" plugins: x265enc and rtph265pay for
  # an H.265 camera whose SPS gives its picture size.
  packages+=(lighttpd gstreamer1.0-plugins-bad)
  # The peers of `cargo bench --bench scale`: sqlite3 (open, stats) and GDAL's ogr2ogr (import, XLSX); the
  # bench skips a peer that is missing. `time` for /usr/bin/time -v peak-memory checks by hand.
  packages+=(sqlite3 gdal-bin time)
  # The shared registry's server: the tests start a private PostgreSQL 15 cluster on 127.0.0.1
  # (tests/common/postgres.rs; initdb and pg_ctl from /usr/lib/postgresql/15/bin, run as the postgres user).
  packages+=(postgresql)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "iccc-desk: installing system packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
