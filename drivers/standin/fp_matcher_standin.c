/* Stand-in for the ID card reader vendor's fingerprint matcher, with the C signature the kiosk expects:
 *
 *     int FP_Match(const unsigned char *card_template, const unsigned char *live_feature);
 *
 * card_template: one 512-byte template read from the card (30 10); live_feature: the 512-byte character file
 * uploaded from the sensor (UpChar); returns a similarity 0..100. The real template format is the vendor's and
 * is NOT compared here: this library understands only the simulators' own records ("SFPT" and a finger name),
 * so that the kiosk's ctypes glue is exercised in tests and the demo.
 */
#include <string.h>

#define RECORD 512
#define NAME 60

int FP_Match(const unsigned char *card_template, const unsigned char *live_feature) {
    if (card_template == 0 || live_feature == 0) return -1;
    if (memcmp(card_template, "SFPT", 4) != 0 || memcmp(live_feature, "SFPT", 4) != 0) return 0;
    if (card_template[4] == 0) return 0;
    return memcmp(card_template + 4, live_feature + 4, NAME) == 0 ? 96 : 8;
}
