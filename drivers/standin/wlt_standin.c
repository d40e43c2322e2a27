/* Stand-in for the ID card reader vendor's WLT photo decoder, with the same C signature:
 *
 *     int unpack(char *src, char *dst, int bmpSave);
 *
 * src: the card's 1024 photo bytes; dst: a 38862-byte buffer that receives a 102x126 24-bit BMP; returns 1 on
 * success. The real WLT format is the vendor's and is NOT decoded here: this library decodes only the card
 * simulator's own encoding ("SWLT", width, height, bits per pixel, then grey pixels packed MSB first), scaled
 * up bilinearly to 102x126. It exists so that the kiosk's ctypes glue is exercised in tests and the demo.
 * bmpSave is ignored: unlike some vendor builds, nothing is ever written to disk (photos stay in memory).
 */
#include <string.h>

#define OUT_W 102
#define OUT_H 126
#define ROW_BYTES ((OUT_W * 3 + 3) & ~3)
#define BMP_SIZE (54 + ROW_BYTES * OUT_H)
#define SRC_SIZE 1024
#define HEAD 8

static void put16(unsigned char *p, unsigned v) { p[0] = v & 255; p[1] = (v >> 8) & 255; }
static void put32(unsigned char *p, unsigned long v) { put16(p, v & 0xFFFF); put16(p + 2, (v >> 16) & 0xFFFF); }

int unpack(char *src, char *dst, int bmpSave) {
    const unsigned char *s = (const unsigned char *)src;
    unsigned char *d = (unsigned char *)dst;
    unsigned char px[SRC_SIZE * 8];
    int w, h, bits, x, y, i, bit = 0;
    (void)bmpSave;
    if (s == 0 || d == 0) return -1;
    if (memcmp(s, "SWLT", 4) != 0) return -2;              /* not the simulator's format: no photo */
    w = s[4]; h = s[5]; bits = s[6];
    if (w < 2 || h < 2 || bits < 1 || bits > 8 || HEAD + (w * h * bits + 7) / 8 > SRC_SIZE) return -3;
    for (i = 0; i < w * h; i++) {
        int v = 0, b;
        for (b = 0; b < bits; b++, bit++) v = (v << 1) | ((s[HEAD + bit / 8] >> (7 - bit % 8)) & 1);
        px[i] = (unsigned char)(v * 255 / ((1 << bits) - 1));
    }
    memset(d, 0, BMP_SIZE);
    d[0] = 'B'; d[1] = 'M'; put32(d + 2, BMP_SIZE); put32(d + 10, 54);
    put32(d + 14, 40); put32(d + 18, OUT_W); put32(d + 22, OUT_H); put16(d + 26, 1); put16(d + 28, 24);
    put32(d + 34, ROW_BYTES * OUT_H);
    for (y = 0; y < OUT_H; y++) {
        double fy = (y + 0.5) * h / OUT_H - 0.5;
        int y0 = fy < 0 ? 0 : (int)fy, y1 = y0 + 1 < h ? y0 + 1 : h - 1;
        double ty = fy < 0 ? 0 : fy - y0;
        unsigned char *row = d + 54 + (OUT_H - 1 - y) * ROW_BYTES;   /* BMP rows run bottom-up */
        for (x = 0; x < OUT_W; x++) {
            double fx = (x + 0.5) * w / OUT_W - 0.5;
            int x0 = fx < 0 ? 0 : (int)fx, x1 = x0 + 1 < w ? x0 + 1 : w - 1;
            double tx = fx < 0 ? 0 : fx - x0;
            double top = px[y0 * w + x0] * (1 - tx) + px[y0 * w + x1] * tx;
            double bottom = px[y1 * w + x0] * (1 - tx) + px[y1 * w + x1] * tx;
            unsigned char g = (unsigned char)(top * (1 - ty) + bottom * ty + 0.5);
            row[x * 3] = row[x * 3 + 1] = row[x * 3 + 2] = g;
        }
    }
    return 1;
}
