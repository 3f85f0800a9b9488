#include "sync/core/record_id.h"

#include <QRandomGenerator>
#include <QUuid>

namespace hale::sync {

QString newRecordId(qint64 msSinceEpoch)
{
    quint32 random[3];
    QRandomGenerator::system()->fillRange(random);
    return newRecordId(msSinceEpoch, random[0], random[1], random[2]);
}

QString newRecordId(qint64 msSinceEpoch, quint32 random0, quint32 random1, quint32 random2)
{
    const auto ms = quint64(msSinceEpoch) & 0xffff'ffff'ffffULL; // 48 bits
    const QUuid id(quint32(ms >> 16), quint16(ms),
                   quint16(0x7000 | (random0 & 0x0fff)),   // version 7
                   uchar(0x80 | ((random0 >> 12) & 0x3f)), // variant 10
                   uchar(random0 >> 18), uchar(random0 >> 26 | random1 << 6), uchar(random1 >> 2),
                   uchar(random1 >> 10), uchar(random1 >> 18), uchar(random2), uchar(random2 >> 8));
    return id.toString(QUuid::WithoutBraces);
}

} // namespace hale::sync
