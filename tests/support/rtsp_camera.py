#!/usr/bin/python3
"""A camera-like RTSP server for tests: GStreamer's RTSP server on 127.0.0.1 serving a live H.264 test picture.

Usage: /usr/bin/python3 rtsp_camera.py [--port N] [--path /Streaming/Channels/101] [--auth digest|basic|none]
                                       [--user admin] [--password secret] [--codec h264|h265|mp2t]
                                       [--address 127.0.0.1|::1] [--exit-on-stdin-eof]

Prints exactly `READY <port>` on stdout once the main loop runs (with --port 0 the port is the one bound).
Exits cleanly on SIGTERM or SIGINT, and with --exit-on-stdin-eof also when stdin closes (the test that started it
let go of it, or died). Missing system packages give a message on stderr and exit code 3.
Needs the system interpreter (/usr/bin/python3) for `gi`; install with `scripts/setup.sh test`.
"""

import argparse
import os
import signal
import sys

EXIT_MISSING = 3
SOURCE = "videotestsrc is-live=true ! video/x-raw,width=640,height=360,framerate=15/1"
# One pipeline per codec a camera may send. The H.265 picture is cropped by its encoder (360 is not a multiple of
# the coding block), so its SPS carries a conformance window; MPEG-TS uses the static payload type 33.
PIPELINES = {
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay name=pay0 pt=96",
    "h265": "x265enc tune=zerolatency speed-preset=ultrafast ! rtph265pay name=pay0 pt=96",
    "mp2t": "x264enc tune=zerolatency speed-preset=ultrafast ! mpegtsmux ! rtpmp2tpay name=pay0 pt=33",
}
ELEMENTS = {
    "h264": ("x264enc", "rtph264pay"),
    "h265": ("x265enc", "rtph265pay"),
    "mp2t": ("x264enc", "mpegtsmux", "rtpmp2tpay"),
}


def missing(what):
    print(
        f"rtsp_camera.py: {what}. Install the test packages with `scripts/setup.sh test` (as root).",
        file=sys.stderr,
        flush=True,
    )
    sys.exit(EXIT_MISSING)


def main():
    parser = argparse.ArgumentParser(description="Camera-like RTSP server for tests (127.0.0.1 only).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--path", default="/Streaming/Channels/101", help="mount path of the stream")
    parser.add_argument("--auth", choices=["digest", "basic", "none"], default="digest")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin123")
    parser.add_argument("--codec", choices=sorted(PIPELINES), default="h264", help="what the stream carries")
    parser.add_argument("--address", default="127.0.0.1", help="loopback address to listen on (127.0.0.1 or ::1)")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="quit when stdin reaches end of file")
    args = parser.parse_args()

    try:
        import gi

        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtsp", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtsp, GstRtspServer
    except (ImportError, ValueError) as e:
        missing(f"GStreamer RTSP server bindings not available ({e})")

    Gst.init(None)
    for element in ("videotestsrc",) + ELEMENTS[args.codec]:
        if Gst.ElementFactory.find(element) is None:
            missing(f"GStreamer element {element} not found")

    server = GstRtspServer.RTSPServer()
    if args.address not in ("127.0.0.1", "::1"):
        parser.error("only loopback addresses")
    server.set_address(args.address)
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(f"( {SOURCE} ! {PIPELINES[args.codec]} )")
    factory.set_shared(True)

    if args.auth != "none":
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", args.user)
        if args.auth == "digest":
            auth.add_digest(args.user, args.password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        else:
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(args.user, "media.factory.access", True)
        permissions.add_permission_for_role(args.user, "media.factory.construct", True)
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory(args.path, factory)

    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        print(f"rtsp_camera.py: cannot listen on {args.address} port {args.port}", file=sys.stderr, flush=True)
        sys.exit(2)

    def quit_loop(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, quit_loop)

    if args.exit_on_stdin_eof:
        stdin_fd = sys.stdin.fileno()

        def on_stdin(_fd, condition):
            if condition & GLib.IO_IN:
                try:
                    if os.read(stdin_fd, 4096):
                        return GLib.SOURCE_CONTINUE
                except OSError:
                    pass
            loop.quit()
            return GLib.SOURCE_REMOVE

        GLib.io_add_watch(stdin_fd, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)

    def ready():
        print(f"READY {server.get_bound_port()}", flush=True)
        return GLib.SOURCE_REMOVE

    GLib.idle_add(ready)
    loop.run()


if __name__ == "__main__":
    main()
