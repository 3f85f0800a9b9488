#include "sync/client/e2e_records.h"

#include "sync/core/wire.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace hale::sync::e2e {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EndToEnd", text);
}

Place placeOf(const QString &userId, const RecordState &state, const QString &field,
              const QString &element, const HlcStamp &stamp, const HlcStamp &base = {})
{
    return {userId,
            state.kind,
            state.id,
            field,
            element,
            stamp.toString(),
            base.isNull() ? QString() : base.toString()};
}

} // namespace

RecordState sealRecord(const ValueCipher &cipher, const QString &userId, const RecordState &state)
{
    RecordState out = state;
    for (auto it = out.fields.begin(); it != out.fields.end(); ++it)
        it->value =
            cipher.seal(placeOf(userId, state, it.key(), {}, it->stamp, it->base), it->value);
    for (auto field = out.elements.begin(); field != out.elements.end(); ++field) {
        QMap<QString, Element> keyed;
        for (auto m = field->cbegin(); m != field->cend(); ++m) {
            const QString key = cipher.elementKey(state.kind, field.key(), m.key());
            const QJsonArray named{m.key(), m->removed ? QJsonValue() : m->value};
            keyed.insert(key,
                         {cipher.seal(placeOf(userId, state, field.key(), key, m->stamp), named),
                          m->stamp, m->removed});
        }
        *field = std::move(keyed);
    }
    return out;
}

bool openRecord(const ValueCipher &cipher, const QString &userId, RecordState &state, QString *why)
{
    const auto refuse = [&](const QString &field, const QString &reason) {
        *why = field.isEmpty() ? reason : tr("%1 (field %2)").arg(reason, field);
        return false;
    };
    // A record made by a device has values; an empty one would be the
    // server's invention.
    if (state.fields.isEmpty() && state.elements.isEmpty())
        return refuse(QString(), tr("The record has no values."));
    for (auto it = state.fields.begin(); it != state.fields.end(); ++it) {
        const auto opened =
            cipher.open(placeOf(userId, state, it.key(), {}, it->stamp, it->base), it->value);
        if (!opened)
            return refuse(it.key(), tr("A value does not open with this account's key: it was "
                                       "altered or moved on the server."));
        it->value = *opened;
    }
    for (auto field = state.elements.begin(); field != state.elements.end(); ++field) {
        QMap<QString, Element> named;
        for (auto m = field->cbegin(); m != field->cend(); ++m) {
            const auto opened =
                cipher.open(placeOf(userId, state, field.key(), m.key(), m->stamp), m->value);
            const QJsonArray pair = opened ? opened->toArray() : QJsonArray();
            const QString name = pair.size() == 2 ? pair.at(0).toString() : QString();
            // The key must be the name's: otherwise elements could be made
            // to meet (or part) that the devices never named alike. And the
            // sealed pair says whether it was removed (its value null): the
            // flag the server passes on in clear must agree.
            if (name.isEmpty() || cipher.elementKey(state.kind, field.key(), name) != m.key() ||
                m->removed != pair.at(1).isNull())
                return refuse(field.key(), tr("An element does not open with this account's key: "
                                              "it was altered or moved on the server."));
            named.insert(name, {m->removed ? QJsonValue() : pair.at(1), m->stamp, m->removed});
        }
        *field = std::move(named);
    }
    WireError error;
    if (!checkRecordValues(state, &error))
        return refuse(error.field, error.message);
    return true;
}

bool hasSealedValues(const RecordState &state)
{
    for (const Cell &cell : state.fields) {
        if (isSealedValue(cell.value))
            return true;
    }
    for (const auto &members : state.elements) {
        for (const Element &element : members) {
            if (isSealedValue(element.value))
                return true;
        }
    }
    return false;
}

} // namespace hale::sync::e2e
