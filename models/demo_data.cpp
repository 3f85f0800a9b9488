#include "models/demo_data.h"

#include "models/goals.h"
#include "models/local_store.h"
#include "models/preferences.h"
#include "sync/core/record_id.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QUuid>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace hale {

namespace {

constexpr int kProgressEvery = 500;

// How many records of each kind `count` becomes, and over how many days.
struct Plan
{
    int medications = 0;
    int metrics = 0;
    int meals = 0;
    int exercises = 0;
    int doses = 0;
    int journal = 0;
    int goals = 0;
    int preferences = 0;
    int measures = 0;
    int measurements = 0;
    int days = 1;
};

Plan planFor(int count)
{
    Plan plan;
    // Five medications once there is room, so that doses have something to refer to.
    plan.medications = std::min(5, count / 20);
    // And the goals and preferences records, with the medications' room.
    plan.goals = count >= 20 ? 1 : 0;
    plan.preferences = plan.goals;
    // Two measures of the person's own (a waist, a peak flow) beside them.
    plan.measures = plan.goals * 2;
    const int rest = count - plan.medications - plan.goals - plan.preferences - plan.measures;
    plan.metrics = rest * 33 / 99;
    if (plan.measures > 0)
        plan.measurements = rest * 2 / 99;
    else
        plan.metrics += rest * 2 / 99;
    plan.meals = rest * 30 / 99;
    plan.exercises = rest * 15 / 99;
    if (plan.medications > 0)
        plan.doses = rest * 15 / 99;
    else
        plan.metrics += rest * 15 / 99;
    plan.journal =
        rest - plan.metrics - plan.meals - plan.exercises - plan.doses - plan.measurements;
    // Three meals a day and a snack on some set the pace: about eleven records a day.
    plan.days = std::max(1, plan.meals * 10 / 33);
    return plan;
}

// Where record `i` of `n` falls when they are spread evenly over `days` days
// (day 0 is today): the day, its place among that day's records, and how many
// that day has.
struct Slot
{
    int day = 0;
    int index = 0;
    int perDay = 1;
};

Slot slotOf(qint64 i, qint64 n, qint64 days)
{
    const auto first = [&](qint64 day) {
        return (day * n + days - 1) / days;
    };
    const qint64 day = i * days / n;
    return {int(day), int(i - first(day)), int(first(day + 1) - first(day))};
}

struct MealIdea
{
    const char *description;
    double protein; // g
    double carbs;   // g
    double fat;     // g
};

const MealIdea kBreakfasts[] = {
    {"Oatmeal with berries and honey", 12, 65, 8},
    {"Scrambled eggs on toast", 22, 30, 18},
    {"Greek yogurt with granola", 20, 45, 10},
    {"Avocado toast with a poached egg", 14, 32, 20},
    {"Banana pancakes", 10, 70, 12},
    {"Muesli with milk", 13, 55, 9},
    {"Spinach, banana and peanut butter smoothie", 15, 45, 14},
};

const MealIdea kLunches[] = {
    {"Chicken salad with quinoa", 35, 40, 15},
    {"Turkey sandwich and an apple", 28, 55, 12},
    {"Lentil soup with bread", 20, 60, 8},
    {"Tuna poke bowl", 32, 65, 14},
    {"Caesar salad", 25, 20, 28},
    {"Falafel wrap", 16, 60, 22},
    {"Leftover pasta bake", 24, 70, 20},
};

const MealIdea kDinners[] = {
    {"Salmon, rice and broccoli", 38, 60, 22},
    {"Spaghetti bolognese", 32, 85, 20},
    {"Vegetable curry with rice", 14, 90, 18},
    {"Grilled steak and potatoes", 45, 50, 30},
    {"Tofu stir-fry with noodles", 22, 75, 16},
    {"Homemade pizza", 30, 90, 32},
    {"Chili con carne", 35, 45, 20},
    {"Roast chicken with vegetables", 42, 35, 18},
};

const MealIdea kSnacks[] = {
    {"Apple and almonds", 6, 25, 14},
    {"Protein bar", 20, 22, 8},
    {"Rice cakes with peanut butter", 8, 24, 16},
    {"Banana", 1, 27, 0.4},
    {"Dark chocolate", 2, 13, 12},
    {"Carrot sticks and hummus", 5, 18, 9},
    {"Cottage cheese", 14, 4, 5},
};

const char *const kMealNotes[] = {"Ate out", "Felt too full afterwards", "Cooked at home",
                                  "Quick, on the go", "Shared with friends"};

struct EnduranceIdea
{
    const char *activity;
    double share; // of all exercises
    int minMinutes, maxMinutes;
    double minSpeed, maxSpeed; // km/h
    double minBurn, maxBurn;   // kcal/min
};

// The rest are strength training (20%) and yoga (10%).
const EnduranceIdea kEndurance[] = {
    {"Running", 0.30, 20, 70, 9, 12.5, 10, 12},
    {"Cycling", 0.20, 30, 120, 18, 28, 7, 9},
    {"Walking", 0.15, 20, 90, 4.5, 6, 4, 5},
    {"Swimming", 0.05, 20, 60, 2, 3, 8, 10},
};

struct MedicationIdea
{
    const char *name;
    double dose;
    const char *unit;
    const char *schedule;    // times of day separated by spaces; empty = as needed
    const char *sideEffects; // separated by ';'
    const char *notes;
};

const MedicationIdea kMedications[] = {
    {"Vitamin D3", 1000, "IU", "08:00", "", "With breakfast."},
    {"Metformin", 500, "mg", "08:00 20:00", "nausea", "Take with food."},
    {"Lisinopril", 10, "mg", "08:00", "dry cough;dizziness", ""},
    {"Atorvastatin", 20, "mg", "21:00", "", ""},
    {"Ibuprofen", 200, "mg", "", "upset stomach", "As needed for headaches."},
};

const char *const kJournalTexts[5][3] = {
    {"Rough day. Barely slept and everything felt heavy.", "Sick in bed all day.",
     "Stressful week, skipped the gym again."},
    {"Tired and a bit low. Early night.", "Headache most of the afternoon.",
     "Work was draining; ate badly."},
    {"An ordinary day.", "Busy but fine. Need more sleep.", "Okay day, short walk at lunch."},
    {"Good run this morning, felt strong.", "Nice dinner with friends.",
     "Productive day and slept well."},
    {"Fantastic day! New personal best on the 10k.", "Hiked all day, feeling great.",
     "Relaxed weekend, lots of energy."},
};

QString text(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

class DemoGenerator
{
public:
    DemoGenerator(LocalStore &store, int total, quint32 seed, DemoIds ids,
                  std::function<void(int, int)> progress)
        : m_store(store), m_rng(seed), m_ids(ids), m_plan(planFor(total)), m_total(total),
          m_progress(std::move(progress)), m_now(QDateTime::currentDateTimeUtc()),
          m_today(m_now.toLocalTime().date())
    {
    }

    bool run(QString *error)
    {
        const bool ok = m_store.runInTransaction([this] {
            return addMedications() && addMetrics() && addMeals() && addExercises() && addDoses() &&
                   addJournal() && addGoals() && addPreferences() && addMeasures();
        });
        if (!ok && m_error.isEmpty())
            m_error = QCoreApplication::translate(
                "DemoData", "The demo records could not be saved to the database.");
        if (!ok && error)
            *error = m_error;
        return ok;
    }

private:
    // --- randomness ---

    double uniform(double lo, double hi) { return lo + m_rng.generateDouble() * (hi - lo); }
    int between(int lo, int hi) { return int(m_rng.bounded(lo, hi + 1)); }
    bool chance(double p) { return m_rng.generateDouble() < p; }
    template <typename T, size_t N> const T &pick(const T (&items)[N])
    {
        return items[m_rng.bounded(quint32(N))];
    }
    double normal(double mean, double sd)
    {
        // Box-Muller; 1 - u keeps the logarithm finite.
        const double u1 = 1.0 - m_rng.generateDouble();
        const double u2 = m_rng.generateDouble();
        return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    static double round1(double v) { return std::round(v * 10.0) / 10.0; }
    static double round2(double v) { return std::round(v * 100.0) / 100.0; }

    // As the app makes them (time-ordered, sync::newRecordId), one
    // millisecond apart from the day's start, or random (version 4 and
    // variant bits as RFC 4122 requires); from the seeded generator either
    // way, so that a seed reproduces the ids too.
    QString newId()
    {
        quint32 w[4];
        m_rng.fillRange(w);
        if (m_ids == DemoIds::TimeOrdered)
            return sync::newRecordId(m_nextIdMs++, w[0], w[1], w[2]);
        const QUuid id(w[0], quint16(w[1] >> 16), quint16((w[1] & 0x0fff) | 0x4000),
                       uchar(((w[2] >> 24) & 0x3f) | 0x80), uchar(w[2] >> 16), uchar(w[2] >> 8),
                       uchar(w[2]), uchar(w[3] >> 24), uchar(w[3] >> 16), uchar(w[3] >> 8),
                       uchar(w[3]));
        return id.toString(QUuid::WithoutBraces);
    }

    // --- time ---

    QDate dateOf(int day) const { return m_today.addDays(-day); }

    // Local wall-clock `hour` (fractional) on day `day`. Today's records that
    // would lie ahead of now are mirrored into the past.
    QDateTime at(int day, double hour)
    {
        const int seconds = std::clamp(int(hour * 3600.0), 0, 24 * 3600 - 1);
        const QDateTime t =
            QDateTime(dateOf(day), QTime(0, 0).addSecs(seconds), Qt::LocalTime).toUTC();
        return t > m_now ? m_now.addSecs(-m_now.secsTo(t)) : t;
    }

    // Spreads a day's `perDay` records over the waking hours 07:00-22:00.
    double spreadHour(const Slot &slot, double jitter)
    {
        const double width = 15.0 / slot.perDay;
        return 7.0 + width * (slot.index + 0.5) + uniform(-jitter, jitter) * width;
    }

    // --- writing ---

    bool add(const QString &kind, const QVariantMap &values, const QString &id)
    {
        const WriteResult r = m_store.create(kind, values, id);
        if (!r.ok()) {
            QStringList problems;
            for (const FieldError &e : r.errors)
                problems << e.field + QLatin1Char(' ') + e.message;
            if (!r.message.isEmpty())
                problems << r.message;
            m_error =
                QCoreApplication::translate("DemoData", "A generated %1 record was refused: %2")
                    .arg(kind, problems.join(QStringLiteral("; ")));
            qWarning("generateDemoData: %s", qPrintable(m_error));
            return false;
        }
        ++m_done;
        if (m_progress && (m_done % kProgressEvery == 0 || m_done == m_total))
            m_progress(m_done, m_total);
        return true;
    }
    bool add(const QString &kind, const QVariantMap &values) { return add(kind, values, newId()); }

    // --- goals ---

    bool addGoals()
    {
        if (m_plan.goals == 0)
            return true;
        return add(goals::kKind,
                   {{QStringLiteral("set_on"), m_today.addDays(-std::min(60, m_plan.days - 1))},
                    {QStringLiteral("weight_target"), 76.0},
                    {QStringLiteral("weight_by"), m_today.addDays(150)},
                    {QStringLiteral("calories"), 2100.0},
                    {QStringLiteral("protein"), 110.0},
                    {QStringLiteral("carbs"), 230.0},
                    {QStringLiteral("fat"), 70.0},
                    {QStringLiteral("exercise_minutes"), 150.0},
                    {QStringLiteral("steps"), 8000}},
                   goals::kRecordId);
    }

    bool addPreferences()
    {
        if (m_plan.preferences == 0)
            return true;
        return add(preferences::kKind,
                   {{QStringLiteral("changed_on"), m_today.addDays(-std::min(60, m_plan.days - 1))},
                    {QStringLiteral("dose_reminders"), QStringLiteral("on")},
                    {QStringLiteral("remind_metric_at"), QStringLiteral("07:30")}},
                   preferences::kRecordId);
    }

    // --- measures of the person's own ---

    bool addMeasures()
    {
        if (m_plan.measures == 0)
            return true;
        const QDate since = m_today.addDays(-std::min(90, m_plan.days - 1));
        const QString waist = newId();
        const QString peakFlow = newId();
        if (!add(QStringLiteral("measure"),
                 {{QStringLiteral("created_on"), since},
                  {QStringLiteral("name"), QStringLiteral("Waist")},
                  {QStringLiteral("unit"), QStringLiteral("cm")},
                  {QStringLiteral("range_min"), 40.0},
                  {QStringLiteral("range_max"), 200.0}},
                 waist) ||
            !add(QStringLiteral("measure"),
                 {{QStringLiteral("created_on"), since},
                  {QStringLiteral("name"), QStringLiteral("Peak flow")},
                  {QStringLiteral("unit"), QStringLiteral("L/min")},
                  {QStringLiteral("range_min"), 50.0},
                  {QStringLiteral("range_max"), 900.0},
                  {QStringLiteral("notes"), QStringLiteral("Best of three blows, mornings.")}},
                 peakFlow))
            return false;
        for (int i = 0; i < m_plan.measurements; ++i) {
            const Slot slot = slotOf(i, m_plan.measurements, m_plan.days);
            // Peak flow most mornings; the waist now and then, shrinking slowly.
            const bool isWaist = i % 4 == 3;
            const double value =
                isWaist ? round2(86.0 - 0.02 * (m_plan.days - slot.day) / 7.0 + uniform(-0.8, 0.8))
                        : std::round(uniform(430, 520));
            if (!add(QStringLiteral("measurement"),
                     {{QStringLiteral("recorded_at"), at(slot.day, uniform(7.0, 8.5))},
                      {QStringLiteral("measure_id"), isWaist ? waist : peakFlow},
                      {QStringLiteral("value"), value}}))
                return false;
        }
        return true;
    }

    // --- medications and doses ---

    struct ScheduledDose
    {
        QString medicationId;
        QTime time;
    };

    // Days back from today that the dose log covers when every scheduled dose
    // is logged: the regular medications start then.
    int loggedDays() const
    {
        int perDay = 0;
        for (int i = 0; i < m_plan.medications; ++i)
            perDay += int(
                text(kMedications[i].schedule).split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
        return perDay > 0 ? m_plan.doses / perDay : 0;
    }

    bool addMedications()
    {
        const int logged = loggedDays();
        for (int i = 0; i < m_plan.medications; ++i) {
            const MedicationIdea &idea = kMedications[i];
            const QString id = newId();
            const QStringList schedule =
                text(idea.schedule).split(QLatin1Char(' '), Qt::SkipEmptyParts);
            QVariantMap values{
                {QStringLiteral("name"), text(idea.name)},
                {QStringLiteral("dose"), idea.dose},
                {QStringLiteral("unit"), text(idea.unit)},
                {QStringLiteral("notes"), text(idea.notes)},
            };
            const QStringList sideEffects =
                text(idea.sideEffects).split(QLatin1Char(';'), Qt::SkipEmptyParts);
            if (!sideEffects.isEmpty())
                values.insert(QStringLiteral("side_effects"), sideEffects);
            if (schedule.isEmpty()) {
                // Taken as needed: a short course some time last year.
                const QDate start = dateOf(std::min(m_plan.days, between(200, 400)));
                values.insert(QStringLiteral("start_date"), start);
                values.insert(QStringLiteral("end_date"), start.addDays(10));
            } else {
                values.insert(QStringLiteral("schedule"), schedule);
                values.insert(QStringLiteral("start_date"), dateOf(logged));
                for (const QString &time : schedule)
                    m_scheduled.append({id, QTime::fromString(time, QStringLiteral("HH:mm"))});
            }
            if (!add(QStringLiteral("medication"), values, id))
                return false;
        }
        return true;
    }

    // Every scheduled dose, most recent day first, until the plan's count is
    // used up; about 92% of them taken, as a person who mostly remembers.
    bool addDoses()
    {
        int written = 0;
        for (int day = 0; written < m_plan.doses && !m_scheduled.isEmpty(); ++day) {
            for (const ScheduledDose &due : m_scheduled) {
                const QDateTime scheduled = QDateTime(dateOf(day), due.time, Qt::LocalTime).toUTC();
                if (written == m_plan.doses || scheduled > m_now)
                    continue; // not due yet
                if (!addDose(due, scheduled))
                    return false;
                ++written;
            }
        }
        return true;
    }

    bool addDose(const ScheduledDose &due, const QDateTime &scheduled)
    {
        const bool taken = chance(0.92);
        const int delay = taken ? between(0, 40 * 60) : between(20 * 60, 180 * 60);
        QVariantMap values{
            {QStringLiteral("medication_id"), due.medicationId},
            {QStringLiteral("scheduled_at"), scheduled},
            {QStringLiteral("status"), taken ? QStringLiteral("taken") : QStringLiteral("skipped")},
            {QStringLiteral("logged_at"), std::min(scheduled.addSecs(delay), m_now)},
        };
        if (!taken && chance(0.5))
            values.insert(QStringLiteral("notes"),
                          chance(0.5) ? QStringLiteral("Forgot") : QStringLiteral("Felt unwell"));
        return add(QStringLiteral("dose"), values);
    }

    // --- metrics ---

    // Body weight as a slow mean-reverting random walk (it wanders over about
    // +-4 kg in the course of years) plus a yearly swing and day-to-day noise,
    // kept within 70-90 kg.
    double weightOn(int day)
    {
        for (; m_weightDay < day; ++m_weightDay)
            m_weightTrend = std::clamp(
                m_weightTrend + normal(0, 0.12) + 0.0005 * (80.0 - m_weightTrend), 72.0, 88.0);
        const double seasonal = 1.5 * std::sin(2.0 * std::numbers::pi * day / 365.25);
        return round1(std::clamp(m_weightTrend + seasonal + normal(0, 0.3), 70.0, 90.0));
    }

    QVariantMap morningMetric(const Slot &slot)
    {
        QVariantMap values{
            {QStringLiteral("recorded_at"), at(slot.day, uniform(6.5, 8.0))},
            {QStringLiteral("weight"), weightOn(slot.day)},
            {QStringLiteral("resting_heart_rate"),
             std::clamp(int(std::lround(normal(62, 4))), 50, 80)},
            {QStringLiteral("sleep_quality"), std::clamp(int(std::lround(normal(7, 1.5))), 1, 10)},
        };
        // The night before, ending a little before the weigh-in.
        const QDateTime woke = values.value(QStringLiteral("recorded_at"))
                                   .toDateTime()
                                   .addSecs(-qint64(uniform(300, 1800)));
        values.insert(QStringLiteral("wake_time"), woke);
        values.insert(QStringLiteral("bedtime"),
                      woke.addSecs(-qint64(std::clamp(normal(7.2, 0.8), 4.0, 10.0) * 3600)));
        if (slot.day % 3 == 0) {
            const int systolic = std::clamp(int(std::lround(normal(124, 8))), 100, 160);
            values.insert(QStringLiteral("systolic"), systolic);
            values.insert(QStringLiteral("diastolic"),
                          std::clamp(int(std::lround(normal(80, 6))), 60, systolic - 20));
            values.insert(QStringLiteral("pulse"),
                          std::clamp(int(std::lround(normal(66, 5))), 50, 95));
        }
        if (slot.day % 2 == 0) {
            values.insert(QStringLiteral("glucose"),
                          round1(std::clamp(normal(5.4, 0.4), 4.2, 7.0)));
            values.insert(QStringLiteral("glucose_context"), QStringLiteral("fasting"));
        }
        if (slot.day % 7 == 0)
            values.insert(QStringLiteral("body_fat"),
                          round1(std::clamp(normal(22.5, 0.6), 18.0, 28.0)));
        if (slot.day % 14 == 0) {
            values.insert(QStringLiteral("body_measurements"),
                          QVariantMap{{QStringLiteral("waist"), round1(uniform(82, 92))},
                                      {QStringLiteral("chest"), round1(uniform(98, 106))},
                                      {QStringLiteral("hips"), round1(uniform(95, 103))}});
        }
        if (chance(0.05))
            values.insert(QStringLiteral("notes"), QStringLiteral("Weighed after a late dinner."));
        return values;
    }

    bool addMetrics()
    {
        for (int i = 0; i < m_plan.metrics; ++i) {
            const Slot slot = slotOf(i, m_plan.metrics, m_plan.days);
            QVariantMap values;
            if (slot.index == 0) {
                values = morningMetric(slot);
            } else {
                values = {
                    {QStringLiteral("recorded_at"), at(slot.day, spreadHour(slot, 0.3))},
                    {QStringLiteral("energy_level"),
                     std::clamp(int(std::lround(normal(6.5, 1.8))), 1, 10)},
                };
                // The day's steps and water, once, in its last entry.
                if (slot.index == slot.perDay - 1) {
                    values.insert(QStringLiteral("steps"),
                                  std::clamp(int(std::lround(normal(8200, 2600))), 800, 25000));
                    values.insert(QStringLiteral("water"),
                                  std::round(std::clamp(normal(1900, 400), 600.0, 3500.0) / 50) *
                                      50);
                }
            }
            if (!add(QStringLiteral("metric"), values))
                return false;
        }
        return true;
    }

    // --- meals ---

    enum class MealType { Breakfast, Lunch, Dinner, Snack };

    static MealType mealTypeOf(const Slot &slot)
    {
        static const MealType byCount[4][4] = {
            {MealType::Lunch},
            {MealType::Breakfast, MealType::Dinner},
            {MealType::Breakfast, MealType::Lunch, MealType::Dinner},
            {MealType::Breakfast, MealType::Lunch, MealType::Snack, MealType::Dinner},
        };
        if (slot.perDay <= 4)
            return byCount[slot.perDay - 1][slot.index];
        return slot.index < 4 ? byCount[3][slot.index] : MealType::Snack;
    }

    struct MealChoice
    {
        const MealIdea *idea;
        const char *type;
        double hour;
    };

    MealChoice chooseMeal(const Slot &slot)
    {
        // Braced initialisers evaluate left to right, so the draws stay in a fixed order.
        switch (mealTypeOf(slot)) {
        case MealType::Breakfast:
            return {&pick(kBreakfasts), "breakfast", uniform(7.0, 9.0)};
        case MealType::Lunch:
            return {&pick(kLunches), "lunch", uniform(12.0, 13.5)};
        case MealType::Dinner:
            return {&pick(kDinners), "dinner", uniform(18.0, 20.5)};
        default: // an afternoon snack, and any beyond that in the evening
            return {&pick(kSnacks), "snack", uniform(15.0, 16.5) + (slot.index > 3 ? 5.0 : 0.0)};
        }
    }

    QVariantMap meal(const Slot &slot)
    {
        const MealChoice choice = chooseMeal(slot);
        const MealIdea *idea = choice.idea;
        // Portions vary; calories follow the macros (4/4/9 kcal per gram) within a few percent.
        const double portion = uniform(0.8, 1.25);
        const double protein = round1(idea->protein * portion);
        const double carbs = round1(idea->carbs * portion);
        const double fat = round1(idea->fat * portion);
        QVariantMap values{
            {QStringLiteral("eaten_at"), at(slot.day, choice.hour)},
            {QStringLiteral("meal_type"), text(choice.type)},
            {QStringLiteral("description"), text(idea->description)},
            {QStringLiteral("calories"),
             std::round((4 * protein + 4 * carbs + 9 * fat) * uniform(0.95, 1.05))},
            {QStringLiteral("protein"), protein},
            {QStringLiteral("carbs"), carbs},
            {QStringLiteral("fat"), fat},
        };
        if (chance(0.1))
            values.insert(QStringLiteral("notes"), text(pick(kMealNotes)));
        return values;
    }

    bool addMeals()
    {
        for (int i = 0; i < m_plan.meals; ++i) {
            if (!add(QStringLiteral("meal"), meal(slotOf(i, m_plan.meals, m_plan.days))))
                return false;
        }
        return true;
    }

    // --- exercises ---

    // Distance and calories follow from the duration at a plausible speed and
    // burn rate. One draw per statement: argument order would vary by compiler.
    QVariantMap endurance(const EnduranceIdea &idea)
    {
        const double minutes = between(idea.minMinutes, idea.maxMinutes);
        const double kmPerHour = uniform(idea.minSpeed, idea.maxSpeed);
        const double kcalPerMinute = uniform(idea.minBurn, idea.maxBurn);
        return {
            {QStringLiteral("activity"), text(idea.activity)},
            {QStringLiteral("duration"), minutes},
            {QStringLiteral("distance"), round2(minutes / 60.0 * kmPerHour)},
            {QStringLiteral("calories"), std::round(minutes * kcalPerMinute)},
        };
    }

    QVariantMap exercise()
    {
        double roll = m_rng.generateDouble();
        for (const EnduranceIdea &idea : kEndurance) {
            if (roll < idea.share)
                return endurance(idea);
            roll -= idea.share;
        }
        if (roll < 0.20) {
            const double minutes = between(30, 75);
            return {
                {QStringLiteral("activity"), QStringLiteral("Strength training")},
                {QStringLiteral("duration"), minutes},
                {QStringLiteral("sets"), between(3, 5)},
                {QStringLiteral("reps"), between(6, 12)},
                {QStringLiteral("weight"), 2.5 * between(8, 40)},
                {QStringLiteral("calories"), std::round(minutes * uniform(4.5, 6))},
            };
        }
        const double minutes = between(20, 60);
        return {
            {QStringLiteral("activity"), QStringLiteral("Yoga")},
            {QStringLiteral("duration"), minutes},
            {QStringLiteral("calories"), std::round(minutes * uniform(2.5, 3.5))},
        };
    }

    bool addExercises()
    {
        for (int i = 0; i < m_plan.exercises; ++i) {
            const Slot slot = slotOf(i, m_plan.exercises, m_plan.days);
            // Before work or after it.
            const double hour = slot.index % 2 == 0 ? uniform(6.0, 8.0) : uniform(17.5, 20.0);
            QVariantMap values = exercise();
            values.insert(QStringLiteral("performed_at"), at(slot.day, hour));
            if (chance(0.08))
                values.insert(QStringLiteral("notes"), QStringLiteral("Felt heavy legs."));
            if (!add(QStringLiteral("exercise"), values))
                return false;
        }
        return true;
    }

    // --- journal ---

    int mood()
    {
        const double roll = m_rng.generateDouble();
        return roll < 0.05 ? 1 : roll < 0.20 ? 2 : roll < 0.55 ? 3 : roll < 0.85 ? 4 : 5;
    }

    bool addJournal()
    {
        for (int i = 0; i < m_plan.journal; ++i) {
            const Slot slot = slotOf(i, m_plan.journal, m_plan.days);
            const int m = mood();
            const QVariantMap values{
                {QStringLiteral("entry_date"), dateOf(slot.day)},
                {QStringLiteral("mood"), m},
                {QStringLiteral("text"), text(pick(kJournalTexts[m - 1]))},
            };
            if (!add(QStringLiteral("journal"), values))
                return false;
        }
        return true;
    }

    LocalStore &m_store;
    QRandomGenerator m_rng;
    const DemoIds m_ids;
    const Plan m_plan;
    const int m_total;
    std::function<void(int, int)> m_progress;
    const QDateTime m_now;
    const QDate m_today;
    qint64 m_nextIdMs = m_today.startOfDay(Qt::UTC).toMSecsSinceEpoch();
    int m_done = 0;
    QString m_error;
    QList<ScheduledDose> m_scheduled;
    int m_weightDay = 0;
    double m_weightTrend = 80.0;
};

} // namespace

bool generateDemoData(LocalStore &store, int count, QString *error,
                      std::function<void(int done, int total)> progress, quint32 seed, DemoIds ids)
{
    QString problem;
    if (count < 0)
        problem = QCoreApplication::translate("DemoData",
                                              "The number of demo records cannot be negative.");
    else if (!store.isOpen())
        problem = QCoreApplication::translate("DemoData", "The database is not open.");
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    if (count == 0)
        return true;
    return DemoGenerator(store, count, seed, ids, std::move(progress)).run(error);
}

} // namespace hale
