/* The machine's floor for `cargo bench --bench versus`: a program that does
   nothing a terminal program could do without. It puts the terminal in raw
   mode, writes a screen the harness accepts as the drill's first frame, and
   on each `1` rewrites the first step's tick box, sleeping in poll between
   keys (waking once a second, as a countdown would). What it measures is the
   harness's, the kernel's and the machine's share of each figure: how far
   above it a program is, is the program's own. */
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static void say(const char *text, size_t len) {
    while (len > 0) {
        ssize_t n = write(1, text, len);
        if (n <= 0) return;
        text += n;
        len -= (size_t)n;
    }
}

int main(void) {
    struct termios cooked, raw;
    if (tcgetattr(0, &cooked) != 0) return 2;
    raw = cooked;
    cfmakeraw(&raw);
    tcsetattr(0, TCSANOW, &raw);
    static const char first[] =
        "\033[?1049h\033[1;1H 10:00 left \033[2;1H[ ] 1 Situation"
        "\033[3;1H4 Result\033[4;1H1-5 toggle";
    say(first, sizeof first - 1);
    int ticked = 0;
    struct pollfd input = {.fd = 0, .events = POLLIN};
    for (;;) {
        if (poll(&input, 1, 1000) <= 0) continue;
        char key;
        if (read(0, &key, 1) != 1 || key == 'q') break;
        if (key == '1') {
            ticked = !ticked;
            say(ticked ? "\033[2;1H[x]" : "\033[2;1H[ ]", 9);
        }
    }
    say("\033[?1049l", 8);
    tcsetattr(0, TCSANOW, &cooked);
    return 0;
}
