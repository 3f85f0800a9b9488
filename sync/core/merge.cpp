#include "sync/core/merge.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hale::sync {

namespace {

QByteArray canonical(const QJsonValue &v)
{
    return QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
}

// Which of two versions of a cell wins: the later stamp. Equal stamps are the
// same write, unless a peer is corrupt; the rest of the content then decides,
// all of it, so that the result never depends on which side is "ours".
bool theirsWins(const Cell &ours, const Cell &theirs)
{
    if (theirs.stamp != ours.stamp)
        return theirs.stamp > ours.stamp;
    if (const QByteArray a = canonical(ours.value), b = canonical(theirs.value); a != b)
        return b > a;
    return theirs.base > ours.base;
}

bool theirsWins(const Element &ours, const Element &theirs)
{
    if (theirs.stamp != ours.stamp)
        return theirs.stamp > ours.stamp;
    if (const QByteArray a = canonical(ours.value), b = canonical(theirs.value); a != b)
        return b > a;
    return theirs.removed && !ours.removed;
}

} // namespace

RecordState merge(const RecordState &ours, const RecordState &theirs, QList<LostWrite> *lost)
{
    RecordState out = ours;
    for (auto it = theirs.fields.cbegin(); it != theirs.fields.cend(); ++it) {
        auto mine = out.fields.find(it.key());
        if (mine == out.fields.end()) {
            out.fields.insert(it.key(), it.value());
        } else if (!(*mine == it.value()) && theirsWins(*mine, it.value())) {
            // Overwritten by a write that had not seen ours: a conflict.
            if (lost && it->base < mine->stamp)
                lost->append({it.key(), {}, mine->value, mine->stamp, it->value, it->stamp});
            *mine = it.value();
        }
    }
    for (auto it = theirs.elements.cbegin(); it != theirs.elements.cend(); ++it) {
        auto &members = out.elements[it.key()];
        for (auto m = it.value().cbegin(); m != it.value().cend(); ++m) {
            auto mine = members.find(m.key());
            if (mine == members.end()) {
                members.insert(m.key(), m.value());
            } else if (!(*mine == m.value()) && theirsWins(*mine, m.value())) {
                if (lost && !mine->removed)
                    lost->append({it.key(), m.key(), mine->value, mine->stamp,
                                  m->removed ? QJsonValue() : m->value, m->stamp});
                *mine = m.value();
            }
        }
    }
    if (!(out.deleted == theirs.deleted) && theirsWins(out.deleted, theirs.deleted))
        out.deleted = theirs.deleted;
    return out;
}

} // namespace hale::sync
