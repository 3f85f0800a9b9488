#include "sync/server/crypto.h"

#include <QTest>

using namespace hale::server::crypto;

namespace {
const QByteArray kSecret = "0123456789abcdef0123456789abcdef";
const QString kAudience = QStringLiteral("hale-sync");

QJsonObject claims(qint64 exp)
{
    return {{QStringLiteral("sub"), QStringLiteral("user-1")},
            {QStringLiteral("dev"), QStringLiteral("device-1")},
            {QStringLiteral("aud"), kAudience},
            {QStringLiteral("exp"), exp}};
}

QString forge(const QByteArray &headerJson, const QByteArray &payloadJson, const QByteArray &sig)
{
    return QString::fromLatin1(base64Url(headerJson) + '.' + base64Url(payloadJson) + '.' +
                               base64Url(sig));
}
} // namespace

class TestCrypto : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(initialise()); }

    void passwordsHashWithArgon2idAndVerify()
    {
        const QString hash = hashPassword(QStringLiteral("correct horse"));
        QVERIFY(hash.startsWith(QStringLiteral("$argon2id$")));
        QVERIFY(verifyPassword(QStringLiteral("correct horse"), hash));
        QVERIFY(!verifyPassword(QStringLiteral("correct horsE"), hash));
        QVERIFY(!verifyPassword(QStringLiteral("correct horse"), QString()));
        QVERIFY(hashPassword(QStringLiteral("correct horse")) != hash); // salted
    }

    void tokensAreRandomAndStoredAsDigests()
    {
        const QString a = randomToken();
        const QString b = randomToken();
        QVERIFY(a != b);
        QCOMPARE(a.size(), 43); // 32 bytes base64url
        QVERIFY(tokenDigest(a) != a);
        QCOMPARE(tokenDigest(a), tokenDigest(a));
    }

    void aSignedTokenVerifies()
    {
        const QString token = signJwt(claims(2000), kSecret);
        const auto verified = verifyJwt(token, kSecret, {kAudience, 1000});
        QVERIFY(verified);
        QCOMPARE(verified->value(QStringLiteral("dev")).toString(), QStringLiteral("device-1"));
    }

    void badTokensAreRefused_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("reason");
        const QString good = signJwt(claims(2000), kSecret);
        QTest::newRow("expired") << signJwt(claims(999), kSecret) << "expired";
        QTest::newRow("other key")
            << signJwt(claims(2000), "another secret of enough length!") << "bad signature";
        QJsonObject wrongAudience = claims(2000);
        wrongAudience.insert(QStringLiteral("aud"), QStringLiteral("someone-else"));
        QTest::newRow("audience") << signJwt(wrongAudience, kSecret) << "wrong audience";
        QTest::newRow("alg none") << forge(R"({"alg":"none","typ":"JWT"})",
                                           R"({"sub":"user-1","aud":"hale-sync","exp":2000})", {})
                                  << "not HS256";
        QTest::newRow("alg HS512") << forge(R"({"alg":"HS512","typ":"JWT"})",
                                            R"({"sub":"user-1","aud":"hale-sync","exp":2000})", "x")
                                   << "not HS256";
        QStringList parts = good.split(QLatin1Char('.'));
        parts[1] = QString::fromLatin1(
            base64Url(R"({"sub":"user-2","dev":"device-1","aud":"hale-sync","exp":2000})"));
        QTest::newRow("tampered payload") << parts.join(QLatin1Char('.')) << "bad signature";
        QTest::newRow("two parts") << good.section(QLatin1Char('.'), 0, 1) << "not a JWT";
        QTest::newRow("garbage") << QStringLiteral("a.b!.c") << "base64url";
    }
    void badTokensAreRefused()
    {
        QFETCH(QString, token);
        QFETCH(QString, reason);
        QString why;
        QVERIFY(!verifyJwt(token, kSecret, {kAudience, 1000}, &why));
        QVERIFY2(why.contains(reason), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "test_crypto.moc"
