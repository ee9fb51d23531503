/*
 * Keeps alsa-lib's messages off the terminal.
 *
 * alsa-lib prints its errors ("ALSA lib confmisc.c:767:(parse_card) cannot find
 * card '0'") straight to stderr, which would tear stardrill's full-screen
 * interface. Its only process-wide hook takes a C variadic function, which
 * stable Rust cannot define, hence this file. The handler keeps the latest
 * message (and a count) so the program can show one clear line instead.
 */
#include <alsa/asoundlib.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char last[256];
static unsigned long count;

static void keep(const char *file, int line, const char *function, int err,
                 const char *fmt, ...)
{
    char text[sizeof last];
    int used;
    va_list ap;

    (void)file;
    (void)line;
    used = snprintf(text, sizeof text, "%s: ", function ? function : "alsa");
    if (used < 0 || (size_t)used >= sizeof text)
        used = 0;
    va_start(ap, fmt);
    vsnprintf(text + used, sizeof text - (size_t)used, fmt ? fmt : "", ap);
    va_end(ap);
    if (err) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, ": %s", snd_strerror(err));
    }

    pthread_mutex_lock(&lock);
    memcpy(last, text, sizeof last);
    count++;
    pthread_mutex_unlock(&lock);
}

/* Routes every thread's alsa-lib messages to `keep`. Returns alsa's result. */
int stardrill_alsa_quiet(void)
{
    return snd_lib_error_set_handler(keep);
}

/* Copies the latest message into `out` (NUL-terminated) and returns how many
 * messages there have been. */
unsigned long stardrill_alsa_last(char *out, size_t cap)
{
    unsigned long n;

    pthread_mutex_lock(&lock);
    n = count;
    if (cap > 0) {
        strncpy(out, last, cap - 1);
        out[cap - 1] = '\0';
    }
    pthread_mutex_unlock(&lock);
    return n;
}
