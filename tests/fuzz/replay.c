/* replay.c — feeds every file of the given directories to a fuzz target's
 * LLVMFuzzerTestOneInput, so `make test` replays the seed corpus under the
 * sanitizers with plain gcc; `make fuzz` explores with clang's libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { REPLAY_MAX_BYTES = 1024 * 1024 };

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    uint8_t *data = malloc(REPLAY_MAX_BYTES);
    if (!data) {
        fclose(f);
        return 1;
    }
    size_t size = fread(data, 1, REPLAY_MAX_BYTES, f);
    fclose(f);
    /* A copy of exactly size bytes, so reading past it is caught. */
    uint8_t *exact = malloc(size ? size : 1);
    if (exact) {
        memcpy(exact, data, size);
        LLVMFuzzerTestOneInput(exact, size);
    }
    free(exact);
    free(data);
    return exact ? 0 : 1;
}

int main(int argc, char **argv)
{
    int n_files = 0;
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        DIR *dir = opendir(argv[i]);
        if (!dir) {
            fprintf(stderr, "replay: cannot open %s\n", argv[i]);
            return 1;
        }
        for (struct dirent *e = readdir(dir); e; e = readdir(dir)) {
            if (e->d_name[0] == '.') {
                continue;
            }
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            failures += replay_file(path);
            n_files++;
        }
        closedir(dir);
    }
    printf("replayed %d inputs\n", n_files);
    return failures || n_files == 0 ? 1 : 0;
}
