/* Checks that an installed dfota links and answers. */
#include <stdio.h>
#include <string.h>

#include <dfota.h>

int main(void)
{
    char why[128];

    if (dfota_check_target("http://10.0.0.1/update.zip", NULL, why, sizeof(why)) != DFOTA_OK)
        return 1;
    if (dfota_check_target("http://10.0.0.1/", NULL, why, sizeof(why)) != DFOTA_ERR_INVALID)
        return 1;
    if (strcmp(dfota_strerror(DFOTA_ERR_TIMEOUT), "timeout") != 0)
        return 1;
    printf("dfota %s installed and working\n", DFOTA_VERSION_STRING);
    return 0;
}
