"""Identity verification: is the person in front of the kiosk the holder of this ID card?

One port (`Reference`), two sources of the reference: the card's own photo decoded by the reader vendor's WLT
library (`CardPhoto`), or the office's identity service (`OfficeService`, POST /v1/identity/verify); `NoReference`
when configured off. `FaceVerifier` runs in the face session's worker thread, never on the UI thread.
"""

from kiosk.services.identity.reference import (  # noqa: F401
    CardPhoto,
    FaceVerifier,
    NoReference,
    OfficeService,
    Reference,
    Verdict,
    reference_from_config,
)
