// Replays fuzz inputs without libFuzzer: the main() that the normal (gcc) test
// build links with each fuzz target. Every argument is a file or a directory;
// each file (a directory's regular files, in name order, not recursing) is
// passed once to LLVMFuzzerTestOneInput. A property violation or a crash
// aborts, so the test fails; so does an argument that names nothing, or no
// input at all (a mistyped corpus path must not pass silently).
//
//   fuzz_replay_<target> tests/fuzz/corpus/<target> [more files or directories]

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

namespace {

bool replay(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return false;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", file.c_str(), bytes.size());
    // A buffer of exactly the input's size, as libFuzzer passes it, so that
    // AddressSanitizer sees a read past the end.
    std::vector<uint8_t> exact(bytes.begin(), bytes.end());
    exact.shrink_to_fit();
    LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
        return 2;
    }
    int replayed = 0;
    int unreadable = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code error;
        if (std::filesystem::is_directory(arg, error)) {
            std::vector<std::filesystem::path> files;
            for (const auto &entry : std::filesystem::directory_iterator(arg)) {
                if (entry.is_regular_file())
                    files.push_back(entry.path());
            }
            std::sort(files.begin(), files.end());
            for (const auto &file : files)
                (replay(file) ? replayed : unreadable) += 1;
        } else if (std::filesystem::is_regular_file(arg, error)) {
            (replay(arg) ? replayed : unreadable) += 1;
        } else {
            std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
            return 1;
        }
    }
    std::fprintf(stderr, "replayed %d inputs without a failure\n", replayed);
    return replayed > 0 && unreadable == 0 ? 0 : 1;
}
