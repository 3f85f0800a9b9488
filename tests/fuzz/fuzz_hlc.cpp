// Fuzz target: hybrid logical clock stamps in their text form
// (sync::HlcStamp::fromString, what every wire cell and the store's sync_meta
// carry), and the clock that folds received stamps in.
//
// The input is one or two stamps, separated by the first '\n'; bytes that are
// not UTF-8 become U+FFFD, as they would reading a JSON string. Properties
// checked (abort on a violation), for each stamp that parses:
//  - formatting it and parsing that again gives the same stamp, and the
//    formatted text is a fixed point (toString of the re-parsed stamp);
//  - for two stamps, the order of their texts (what SQL compares) is the
//    order of the stamps;
//  - a clock that receives the stamp and then sends a local event stamps that
//    event after the received one, and the event's text parses again.
//
// Corpus: tests/fuzz/corpus/hlc/. Replayed by the test fuzz_replay_hlc;
// fuzzed with tests/fuzz/run-fuzzers.sh.

#include "fuzz_common.h"
#include "sync/core/hlc.h"

using namespace hale::sync;

namespace {

int sign(int value)
{
    return (value > 0) - (value < 0);
}

int sign(std::strong_ordering order)
{
    return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

std::optional<HlcStamp> checkOne(const QString &text)
{
    const auto stamp = HlcStamp::fromString(text);
    HALE_FUZZ_NOTE(QStringLiteral("\"%1\": %2")
                       .arg(text, stamp ? stamp->toString() : QStringLiteral("refused")));
    if (!stamp)
        return std::nullopt;
    const QString formatted = stamp->toString();
    const auto again = HlcStamp::fromString(formatted);
    HALE_FUZZ_CHECK(again, QStringLiteral("\"%1\" parses, but its formatted text \"%2\" does not")
                               .arg(text, formatted));
    HALE_FUZZ_CHECK(
        *again == *stamp,
        QStringLiteral("\"%1\" -> \"%2\" parses as another stamp").arg(text, formatted));
    HALE_FUZZ_CHECK(again->toString() == formatted,
                    QStringLiteral("\"%1\" is not a fixed point of format/parse").arg(formatted));

    // A device that receives the stamp orders its next event after it.
    HybridLogicalClock clock(QStringLiteral("fuzz-device"), [] { return qint64(1); });
    clock.receive(*stamp);
    const HlcStamp next = clock.send();
    HALE_FUZZ_CHECK(next.millis > stamp->millis ||
                        (next.millis == stamp->millis && next.counter > stamp->counter),
                    QStringLiteral("after receiving \"%1\" the clock sent \"%2\"")
                        .arg(formatted, next.toString()));
    HALE_FUZZ_CHECK(HlcStamp::fromString(next.toString()),
                    QStringLiteral("after receiving \"%1\" the clock sent \"%2\", which does not "
                                   "parse (a store persists and reloads it as text)")
                        .arg(formatted, next.toString()));
    return stamp;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = hale::fuzz::bytes(data, size);
    const qsizetype newline = input.indexOf('\n');
    const QString first = QString::fromUtf8(newline < 0 ? input : input.first(newline));
    const auto a = checkOne(first);
    if (newline < 0)
        return 0;
    const auto b = checkOne(QString::fromUtf8(input.sliced(newline + 1)));
    if (a && b) {
        const QString ta = a->toString();
        const QString tb = b->toString();
        HALE_FUZZ_CHECK(
            sign(*a <=> *b) == sign(ta.compare(tb)),
            QStringLiteral("stamp order and text order differ: \"%1\" vs \"%2\"").arg(ta, tb));
        HALE_FUZZ_CHECK(sign(*a <=> *b) == sign(ta.toUtf8().compare(tb.toUtf8())),
                        QStringLiteral("stamp order and UTF-8 byte order differ: \"%1\" vs "
                                       "\"%2\"")
                            .arg(ta, tb));
        HALE_FUZZ_CHECK((*a == *b) == (ta == tb), QStringLiteral("\"%1\" vs \"%2\"").arg(ta, tb));
    }
    return 0;
}
