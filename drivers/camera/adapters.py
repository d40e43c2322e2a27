"""Camera adapters by URL scheme (see drivers/registry.py: scheme_of)."""

ADAPTERS = {
    "index": "drivers.camera.opencv_source:factory",  # 0, 1, … — a V4L2 device index
    "stream": "drivers.camera.opencv_source:factory",  # rtsp://, http(s):// — an IP camera
    "video": "drivers.camera.opencv_source:factory",  # /dev/video0 — a V4L2 device path
    "file": "drivers.camera.file_source:factory",  # a video, an image, a folder or frames/img_%02d.jpg
    "sim": "drivers.camera.simulator:factory",  # sim://camera — fixture photos in a scripted loop
}
