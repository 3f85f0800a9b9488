#include "models/import_export.h"

#include "models/local_store.h"
#include "sync/core/wire.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringDecoder>
#include <QUuid>

namespace hale {

namespace {

using IE = ImportExport;

const QString kIdColumn = QStringLiteral("id");

// One record read from a file, checked for types but not yet written.
struct PendingRecord
{
    const KindSpec *kind = nullptr;
    QString id; // canonical; empty = let the store choose one
    QVariantMap values;
    int line = 0;  // CSV: where the row starts
    int index = 0; // JSON: 1-based position in its kind's list
};

ImportResult success()
{
    ImportResult r;
    r.ok = true;
    return r;
}

ImportResult failure(const QString &reason, int line = 0)
{
    ImportResult r;
    r.reason = reason;
    r.line = line;
    return r;
}

QString fieldProblem(const QString &field, const QString &message)
{
    return IE::tr("%1 %2", "a field name, then what is wrong with its value").arg(field, message);
}

QString tooLarge()
{
    return IE::tr("The file is larger than %1 MiB and cannot be imported.")
        .arg(IE::kMaxImportBytes / (1024 * 1024));
}

// The lower-case, brace-less form the store uses, or empty if `text` is no UUID.
QString canonicalId(const QString &text)
{
    const QUuid id = QUuid::fromString(text.trimmed());
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

int lineAt(const QByteArray &data, qsizetype offset)
{
    return int(QByteArrayView(data).first(qBound(qsizetype(0), offset, data.size())).count('\n')) +
           1;
}

// Decodes UTF-8, dropping a byte order mark. Invalid input yields the line of
// the first bad sequence: '\n' never occurs inside a multi-byte sequence, so
// decoding line by line isolates it.
ImportResult decodeUtf8(const QByteArray &data, QString *text)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    *text = decoder.decode(data);
    if (!decoder.hasError())
        return success();
    qsizetype start = 0;
    for (int line = 1;; ++line) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        QStringDecoder one(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        (void)QString(one.decode(QByteArrayView(data).sliced(start, end - start)));
        if (one.hasError() || end >= data.size())
            return failure(IE::tr("The file is not valid UTF-8 text."), line);
        start = end + 1;
    }
}

// Every live record of a kind, oldest first and ties broken by id, so that two
// stores holding the same records export the same bytes.
QList<Record> liveRecords(const LocalStore &store, const KindSpec &kind)
{
    RecordFilter all;
    all.descending = false;
    return store.records(kind.name, all);
}

// --- Writing ----------------------------------------------------------------

QString describe(const WriteResult &result)
{
    QStringList problems;
    for (const FieldError &e : result.errors)
        problems << (e.field.isEmpty() ? e.message : fieldProblem(e.field, e.message));
    if (!result.message.isEmpty())
        problems << result.message;
    return problems.join(QStringLiteral("; "));
}

// Creates the record, or overwrites an existing one with exactly the file's
// values (restoring it first if it was deleted). Empty on success.
QString writeRecord(LocalStore &store, const PendingRecord &pending)
{
    const QString &kind = pending.kind->name;
    const auto existing = pending.id.isEmpty() ? std::nullopt : store.record(kind, pending.id);
    if (!existing)
        return describe(store.create(kind, pending.values, pending.id));
    if (existing->deleted) {
        if (QString problem = describe(store.restore(kind, pending.id)); !problem.isEmpty())
            return problem;
    }
    QVariantMap changes;
    for (const FieldSpec &field : pending.kind->fields)
        changes.insert(field.name, pending.values.value(field.name)); // absent -> null
    return describe(store.update(kind, pending.id, changes));
}

ImportResult failureAt(const PendingRecord &pending, const QString &problem)
{
    if (pending.line > 0)
        return failure(problem, pending.line);
    return failure(IE::tr("Record %1 of kind %2: %3")
                       .arg(QString::number(pending.index), pending.kind->name, problem));
}

// All records or none: the first that the store refuses rolls everything back.
ImportResult writeAll(LocalStore &store, const QList<PendingRecord> &records,
                      const ImportExport::Progress &progress)
{
    constexpr int kProgressEvery = 500;
    ImportResult result;
    const int total = int(records.size());
    const bool ok = store.runInTransaction([&] {
        for (int i = 0; i < total; ++i) {
            if (QString problem = writeRecord(store, records.at(i)); !problem.isEmpty()) {
                result = failureAt(records.at(i), problem);
                return false;
            }
            if (progress && i % kProgressEvery == 0 && !progress(i, total)) {
                result = failure(IE::tr("The import was cancelled; nothing was changed."));
                return false;
            }
        }
        return true;
    });
    if (!ok) {
        if (result.reason.isEmpty())
            result = failure(IE::tr("The records could not be saved to the database."));
        return result;
    }
    result.ok = true;
    result.imported = int(records.size());
    return result;
}

// --- JSON -------------------------------------------------------------------

QJsonObject recordToJson(const KindSpec &kind, const Record &record)
{
    QJsonObject json{{kIdColumn, record.id}};
    for (const FieldSpec &field : kind.fields) {
        const QJsonValue value = schema::toJson(field, record.value(field.name));
        if (!value.isNull())
            json.insert(field.name, value);
    }
    return json;
}

// Empty on success, else what is wrong with the record.
QString readJsonRecord(const QJsonValue &json, PendingRecord *out)
{
    if (!json.isObject())
        return IE::tr("is not a JSON object");
    const QJsonObject object = json.toObject();
    const QJsonValue id = object.value(kIdColumn);
    if (id.isUndefined())
        return IE::tr("has no id");
    out->id = canonicalId(id.toString());
    if (!id.isString() || out->id.isEmpty())
        return IE::tr("\"%1\" is not a valid record id").arg(id.toVariant().toString());
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (it.key() == kIdColumn)
            continue;
        const FieldSpec *field = out->kind->field(it.key());
        if (!field)
            return IE::tr("%1 is not a field of %2").arg(it.key(), out->kind->name);
        const schema::Coerced value = schema::fromJson(*field, it.value());
        if (!value.ok())
            return fieldProblem(field->name, value.error);
        if (!value.value.isNull())
            out->values.insert(field->name, value.value);
    }
    return {};
}

ImportResult checkJsonHeader(const QJsonObject &root)
{
    if (root.value(QStringLiteral("format")).toString() != IE::formatName())
        return failure(IE::tr("The file is not a Hale backup."));
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (version.isDouble() && version.toDouble() > IE::kFormatVersion)
        return failure(IE::tr("The backup was written by a newer version of Hale (format version "
                              "%1). Update Hale to import it.")
                           .arg(version.toDouble()));
    if (!version.isDouble() || version.toDouble() != IE::kFormatVersion)
        return failure(IE::tr("The backup has an unknown format version."));
    if (!root.value(QStringLiteral("kinds")).isObject())
        return failure(IE::tr("The backup has no \"kinds\" section."));
    const QJsonObject kinds = root.value(QStringLiteral("kinds")).toObject();
    for (auto it = kinds.constBegin(); it != kinds.constEnd(); ++it) {
        if (!SchemaRegistry::instance().kind(it.key()))
            return failure(
                IE::tr("The backup contains an unknown kind of record: %1.").arg(it.key()));
        if (!it.value().isArray())
            return failure(IE::tr("The %1 records in the backup are not a list.").arg(it.key()));
    }
    return success();
}

// Checks every record's types and ids before anything is written.
ImportResult readJsonRecords(const QJsonObject &kinds, QList<PendingRecord> *out)
{
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        const QJsonArray records = kinds.value(kind.name).toArray();
        QSet<QString> seen;
        for (qsizetype i = 0; i < records.size(); ++i) {
            PendingRecord pending;
            pending.kind = &kind;
            pending.index = int(i) + 1;
            QString problem = readJsonRecord(records.at(i), &pending);
            if (problem.isEmpty() && seen.contains(pending.id))
                problem = IE::tr("the id %1 appears more than once").arg(pending.id);
            if (!problem.isEmpty())
                return failureAt(pending, problem);
            seen.insert(pending.id);
            out->append(pending);
        }
    }
    return success();
}

// --- CSV --------------------------------------------------------------------

// 15 significant digits keep spreadsheets tidy ("72.35"); the rare value that
// needs more gets 17 so that nothing is lost on the way back.
QString formatReal(double value)
{
    const QString tidy = QString::number(value, 'g', 15);
    return tidy.toDouble() == value ? tidy : QString::number(value, 'g', 17);
}

QString escapeElement(QString text, bool escapeEquals)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    text.replace(QLatin1Char(';'), QStringLiteral("\\;"));
    if (escapeEquals)
        text.replace(QLatin1Char('='), QStringLiteral("\\="));
    return text;
}

QString unescapeElement(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\\') && i + 1 < text.size())
            ++i;
        out += text.at(i);
    }
    return out;
}

// Splits at every `separator` not escaped with '\'; the parts keep their escapes.
QStringList splitUnescaped(const QString &text, QChar separator)
{
    QStringList parts;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == QLatin1Char('\\')) {
            ++i;
        } else if (text.at(i) == separator) {
            parts << text.mid(start, i - start);
            start = i + 1;
        }
    }
    parts << text.mid(start);
    return parts;
}

QString csvCell(const FieldSpec &field, const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return {};
    switch (field.type) {
    case FieldType::Integer:
        return QString::number(value.toLongLong());
    case FieldType::Real:
        return formatReal(value.toDouble());
    case FieldType::StringSet:
    case FieldType::TimeSet: {
        QStringList items;
        for (const QString &item : value.toStringList())
            items << escapeElement(item, false);
        return items.join(QLatin1Char(';'));
    }
    case FieldType::Measurements: {
        QStringList items;
        const QVariantMap map = value.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            items << escapeElement(it.key(), true) + QLatin1Char('=') +
                         formatReal(it.value().toDouble());
        return items.join(QLatin1Char(';'));
    }
    default:
        // Dates and times: the same canonical text as JSON.
        return schema::toJson(field, value).toString();
    }
}

void appendCsvLine(QString &out, const QStringList &cells)
{
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i > 0)
            out += QLatin1Char(',');
        const QString &cell = cells.at(i);
        const bool quote = cell.contains(QLatin1Char(',')) || cell.contains(QLatin1Char('"')) ||
                           cell.contains(QLatin1Char('\r')) || cell.contains(QLatin1Char('\n'));
        if (quote) {
            QString escaped = cell;
            escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
            out += QLatin1Char('"') + escaped + QLatin1Char('"');
        } else {
            out += cell;
        }
    }
    out += QStringLiteral("\r\n");
}

schema::Coerced parseMeasurements(const FieldSpec &field, const QString &cell)
{
    QVariantMap map;
    for (const QString &item : splitUnescaped(cell, QLatin1Char(';'))) {
        if (item.trimmed().isEmpty())
            continue;
        const QStringList pair = splitUnescaped(item, QLatin1Char('='));
        const QString name = pair.size() == 2 ? unescapeElement(pair.at(0)).trimmed() : QString();
        if (name.isEmpty())
            return {{}, IE::tr("must be written as name=value;name=value")};
        bool ok = false;
        const double value = pair.at(1).trimmed().toDouble(&ok);
        if (!ok)
            return {{}, IE::tr("%1 must be a number").arg(name)};
        map.insert(name, value);
    }
    return schema::coerce(field, map);
}

// A cell's text as the field's typed value; empty means null.
schema::Coerced parseCell(const FieldSpec &field, const QString &cell)
{
    switch (field.type) {
    case FieldType::StringSet:
    case FieldType::TimeSet: {
        QStringList items;
        for (const QString &item : splitUnescaped(cell, QLatin1Char(';')))
            items << unescapeElement(item);
        return schema::coerce(field, items);
    }
    case FieldType::Measurements:
        return parseMeasurements(field, cell);
    default:
        return schema::coerce(field, cell);
    }
}

struct CsvRow
{
    int line = 0; // where the row starts
    QStringList cells;
};

// An RFC 4180 reader that remembers the line every row starts on. Accepts LF
// as well as CRLF line ends and skips blank lines.
class CsvReader
{
public:
    explicit CsvReader(const QString &text) : m_text(text) {}

    ImportResult read(QList<CsvRow> *rows)
    {
        while (m_pos < m_text.size()) {
            if (skipLineBreak())
                continue;
            CsvRow row;
            row.line = m_line;
            if (!readRow(&row))
                return failure(m_error, m_errorLine);
            rows->append(row);
        }
        return success();
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    bool atLineBreak() const
    {
        return !atEnd() &&
               (m_text.at(m_pos) == QLatin1Char('\n') || m_text.at(m_pos) == QLatin1Char('\r'));
    }
    bool atCellEnd() const
    {
        return atEnd() || atLineBreak() || m_text.at(m_pos) == QLatin1Char(',');
    }

    bool fail(const QString &error, int line)
    {
        m_error = error;
        m_errorLine = line;
        return false;
    }

    bool skipLineBreak()
    {
        if (!atLineBreak())
            return false;
        if (m_text.at(m_pos++) == QLatin1Char('\r') && !atEnd() &&
            m_text.at(m_pos) == QLatin1Char('\n'))
            ++m_pos;
        ++m_line;
        return true;
    }

    bool readRow(CsvRow *row)
    {
        for (;;) {
            QString cell;
            const bool quoted = !atEnd() && m_text.at(m_pos) == QLatin1Char('"');
            if (!(quoted ? readQuoted(&cell) : readPlain(&cell)))
                return false;
            row->cells.append(cell);
            if (atEnd() || skipLineBreak())
                return true;
            ++m_pos; // the comma
        }
    }

    bool readPlain(QString *cell)
    {
        const qsizetype start = m_pos;
        while (!atCellEnd()) {
            if (m_text.at(m_pos) == QLatin1Char('"'))
                return fail(IE::tr("A quote inside a field that does not start with one; quote "
                                   "the whole field and double the quotes inside it."),
                            m_line);
            ++m_pos;
        }
        *cell = m_text.mid(start, m_pos - start);
        return true;
    }

    bool readQuoted(QString *cell)
    {
        const int openedOn = m_line;
        ++m_pos; // the opening quote
        for (;;) {
            const qsizetype quote = m_text.indexOf(QLatin1Char('"'), m_pos);
            if (quote < 0)
                return fail(IE::tr("The quoted field that starts on this line is never closed."),
                            openedOn);
            const QStringView chunk = QStringView(m_text).sliced(m_pos, quote - m_pos);
            m_line += int(chunk.count(QLatin1Char('\n')));
            cell->append(chunk);
            m_pos = quote + 1;
            if (!atEnd() && m_text.at(m_pos) == QLatin1Char('"')) {
                cell->append(QLatin1Char('"')); // a doubled quote
                ++m_pos;
                continue;
            }
            if (!atCellEnd())
                return fail(IE::tr("Unexpected text after the closing quote of a field."), m_line);
            return true;
        }
    }

    const QString &m_text;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_errorLine = 0;
    QString m_error;
};

// The field of each column, nullptr for the id column.
ImportResult readCsvHeader(const KindSpec &kind, const CsvRow &header,
                           QList<const FieldSpec *> *columns)
{
    QSet<QString> seen;
    for (const QString &cell : header.cells) {
        const QString name = cell.trimmed();
        const FieldSpec *field = kind.field(name);
        if (!field && name != kIdColumn)
            return failure(IE::tr("Unknown column \"%1\": %2 records have no such field.")
                               .arg(name, kind.name),
                           header.line);
        if (seen.contains(name))
            return failure(IE::tr("The column \"%1\" appears more than once.").arg(name),
                           header.line);
        seen.insert(name);
        columns->append(field);
    }
    return success();
}

ImportResult readCsvRecord(const QList<const FieldSpec *> &columns, const CsvRow &row,
                           PendingRecord *out)
{
    if (row.cells.size() != columns.size())
        return failure(IE::tr("The line has %1 fields but the header has %2.")
                           .arg(row.cells.size())
                           .arg(columns.size()),
                       row.line);
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString &cell = row.cells.at(i);
        const FieldSpec *field = columns.at(i);
        if (!field) {
            out->id = canonicalId(cell);
            if (out->id.isEmpty() && !cell.trimmed().isEmpty())
                return failure(IE::tr("\"%1\" is not a valid record id.").arg(cell), row.line);
            continue;
        }
        const schema::Coerced value = parseCell(*field, cell);
        if (!value.ok())
            return failure(fieldProblem(field->name, value.error), row.line);
        if (!value.value.isNull())
            out->values.insert(field->name, value.value);
    }
    return success();
}

ImportResult readCsvRecords(const KindSpec &kind, const QList<CsvRow> &rows,
                            QList<PendingRecord> *out)
{
    if (rows.isEmpty())
        return failure(IE::tr("The file is empty: it needs a header line naming the columns."));
    QList<const FieldSpec *> columns;
    if (ImportResult r = readCsvHeader(kind, rows.first(), &columns); !r.ok)
        return r;
    QSet<QString> seen;
    for (qsizetype i = 1; i < rows.size(); ++i) {
        PendingRecord pending;
        pending.kind = &kind;
        pending.line = rows.at(i).line;
        if (ImportResult r = readCsvRecord(columns, rows.at(i), &pending); !r.ok)
            return r;
        if (!pending.id.isEmpty() && seen.contains(pending.id))
            return failure(IE::tr("The id %1 appears more than once.").arg(pending.id),
                           pending.line);
        seen.insert(pending.id);
        out->append(pending);
    }
    return success();
}

} // namespace

QString ImportResult::message() const
{
    if (line <= 0)
        return reason;
    return ImportExport::tr("Line %1: %2").arg(QString::number(line), reason);
}

QByteArray ImportExport::exportJson(const LocalStore &store)
{
    QJsonObject kinds;
    for (const KindSpec &kind : SchemaRegistry::instance().kinds()) {
        QJsonArray records;
        for (const Record &record : liveRecords(store, kind))
            records.append(recordToJson(kind, record));
        kinds.insert(kind.name, records);
    }
    const QJsonObject root{
        {QStringLiteral("format"), formatName()},
        {QStringLiteral("version"), kFormatVersion},
        {QStringLiteral("exported_at"), schema::formatDateTime(QDateTime::currentDateTimeUtc())},
        {QStringLiteral("kinds"), kinds},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

ImportResult ImportExport::importJson(LocalStore &store, const QByteArray &data,
                                      const Progress &progress)
{
    if (data.size() > kMaxImportBytes)
        return failure(tooLarge());
    // The JSON parser refuses a byte order mark; offsets still count it.
    const qsizetype bom = data.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bom ? data.sliced(bom) : data, &error);
    if (error.error == QJsonParseError::IllegalUTF8String)
        return failure(tr("The file is not valid UTF-8 text."), lineAt(data, bom + error.offset));
    if (error.error != QJsonParseError::NoError)
        return failure(tr("The file is not valid JSON: %1.").arg(error.errorString()),
                       lineAt(data, bom + error.offset));
    if (!doc.isObject())
        return failure(tr("The file is not a Hale backup."));
    if (!sync::isValidUnicode(data, doc.object()))
        return failure(tr("The file holds text that is not valid Unicode (half of a surrogate "
                          "pair)."));
    const QJsonObject root = doc.object();
    if (ImportResult r = checkJsonHeader(root); !r.ok)
        return r;
    QList<PendingRecord> records;
    if (ImportResult r = readJsonRecords(root.value(QStringLiteral("kinds")).toObject(), &records);
        !r.ok)
        return r;
    return writeAll(store, records, progress);
}

QByteArray ImportExport::exportCsv(const LocalStore &store, const QString &kindName)
{
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return {};
    QString out;
    QStringList header{kIdColumn};
    for (const FieldSpec &field : kind->fields)
        header << field.name;
    appendCsvLine(out, header);
    for (const Record &record : liveRecords(store, *kind)) {
        QStringList cells{record.id};
        for (const FieldSpec &field : kind->fields)
            cells << csvCell(field, record.value(field.name));
        appendCsvLine(out, cells);
    }
    return out.toUtf8();
}

ImportResult ImportExport::importCsv(LocalStore &store, const QString &kindName,
                                     const QByteArray &data, const Progress &progress)
{
    const KindSpec *kind = SchemaRegistry::instance().kind(kindName);
    if (!kind)
        return failure(tr("Unknown kind of record: %1.").arg(kindName));
    if (data.size() > kMaxImportBytes)
        return failure(tooLarge());
    QString text;
    if (ImportResult r = decodeUtf8(data, &text); !r.ok)
        return r;
    QList<CsvRow> rows;
    if (ImportResult r = CsvReader(text).read(&rows); !r.ok)
        return r;
    QList<PendingRecord> records;
    if (ImportResult r = readCsvRecords(*kind, rows, &records); !r.ok)
        return r;
    return writeAll(store, records, progress);
}

ImportResult ImportExport::parseCsv(const QByteArray &data, QList<QStringList> *rows)
{
    QString text;
    if (ImportResult r = decodeUtf8(data, &text); !r.ok)
        return r;
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1); // a byte order mark, as spreadsheet apps write
    QList<CsvRow> read;
    if (ImportResult r = CsvReader(text).read(&read); !r.ok)
        return r;
    for (const CsvRow &row : read)
        rows->append(row.cells);
    return success();
}

ImportResult ImportExport::readImportFile(const QString &path, QByteArray *data)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(tr("%1 cannot be read: %2").arg(path, file.errorString()));
    // Checked before reading so that a huge file is never loaded into memory.
    if (file.size() > kMaxImportBytes)
        return failure(tooLarge());
    *data = file.readAll();
    if (data->size() > kMaxImportBytes) { // a device whose size was not known
        data->clear();
        return failure(tooLarge());
    }
    if (file.error() != QFileDevice::NoError)
        return failure(tr("%1 cannot be read: %2").arg(path, file.errorString()));
    return success();
}

} // namespace hale
