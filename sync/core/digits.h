#pragma once

// Fixed-width decimal digits written and read by hand: stamps and dates are
// written by the hundred thousand in a first sync, and snprintf or
// QString::toLongLong cost a tenth of storing a page. Private to sync/core.

#include <QChar>
#include <QtGlobal>

namespace hale::sync::digits {

// Writes `value` as exactly `width` decimal digits at `at` (char or char16_t).
template <typename Char> void put(Char *at, int width, quint64 value)
{
    for (int i = width - 1; i >= 0; --i) {
        at[i] = Char('0' + value % 10);
        value /= 10;
    }
}

inline char16_t unitOf(QChar c)
{
    return c.unicode();
}
inline char16_t unitOf(char c)
{
    return char16_t(static_cast<unsigned char>(c));
}

// The value of `width` decimal digits at `text` (QChar or char), or -1 if
// one is not a digit.
template <typename Char> qint64 read(const Char *text, int width)
{
    qint64 value = 0;
    for (int i = 0; i < width; ++i) {
        const char16_t c = unitOf(text[i]);
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + (c - u'0');
    }
    return value;
}

} // namespace hale::sync::digits
