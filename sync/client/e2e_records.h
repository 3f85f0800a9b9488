#pragma once

#include "sync/client/e2e_crypto.h"
#include "sync/core/record_state.h"

// Whole records sealed for the server and opened again: the step between a
// device's states, in clear, and what an end-to-end encrypted account keeps
// on the server. Ids, kinds, field names, stamps and the deletion flag stay
// in clear, so the server merges per field as for any account.
namespace hale::sync::e2e {

// Every field's value sealed in its place (null too: a cleared field reads
// as any other write). Each set element is keyed by elementKey of its name,
// and its name is sealed with its value, as [name, value]; a removed one as
// [name, null], so that another device knows which element went.
RecordState sealRecord(const ValueCipher &cipher, const QString &userId, const RecordState &state);

// Opens a state pulled from the server in place. False, with the reason,
// if any value is not sealed, does not open in its place (altered, or moved
// from another user, record, field, element or stamp), or once opened fails
// the schema's checks; `state` is then not to be used.
bool openRecord(const ValueCipher &cipher, const QString &userId, RecordState &state, QString *why);

// Whether any value of `state` is sealed.
bool hasSealedValues(const RecordState &state);

} // namespace hale::sync::e2e
