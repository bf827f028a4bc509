/* QR codes (libqrencode) drawn on the server as SVG, for 微信支付's code_url. */
#ifndef CR_QR_H
#define CR_QR_H

/* An SVG image of text as a QR code (error correction M, a 4-module margin); the caller frees it. */
char *cr_qr_svg(const char *text);

#endif
