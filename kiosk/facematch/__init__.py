"""Face matching, the one copy shared by the kiosk's face pipeline and the office's identity service: the shipped
YuNet and SFace models (`models`), detection (`detector`), alignment, embedding and cosine comparison against the
threshold (`verify`). OpenCV's errors become `FaceModelError` here. Knows no flow, service, screen or server."""
