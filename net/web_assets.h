/* net/web_assets.h — the dashboard's page, styles and script (net/web/),
 * compiled into the program by net/web/embed.sh, so the daemons serve
 * them with no files to install and nothing fetched from elsewhere.
 *   const web_asset *a = web_asset_find("/dash.js");   // NULL: no such file */
#ifndef SL_WEB_ASSETS_H
#define SL_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char          *path;   /* "/index.html" */
    const char          *type;   /* its Content-Type */
    const unsigned char *data;
    size_t               len;
} web_asset;

const web_asset *web_asset_find(const char *path);

#endif
