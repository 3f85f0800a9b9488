<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>hale::MainWindow</name>
    <message numerus="yes">
        <source>Imported %n entries from %1.</source>
        <translation>
            <numerusform>Imported %n entry from %1.</numerusform>
            <numerusform>Imported %n entries from %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n were already in Hale (imported before).</source>
        <translation>
            <numerusform>%n was already in Hale (imported before).</numerusform>
            <numerusform>%n were already in Hale (imported before).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n entries.</source>
        <translation>
            <numerusform>Imported %n entry.</numerusform>
            <numerusform>Imported %n entries.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message numerus="yes">
        <source>%1: average %2, from %3 to %4, %n days.</source>
        <translation>
            <numerusform>%1: average %2, from %3 to %4, %n day.</numerusform>
            <numerusform>%1: average %2, from %3 to %4, %n days.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message numerus="yes">
        <source>Restored %n entries. The damaged file was kept as %1.</source>
        <translation>
            <numerusform>Restored %n entry. The damaged file was kept as %1.</numerusform>
            <numerusform>Restored %n entries. The damaged file was kept as %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::RecordListPage</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::SyncBanner</name>
    <message numerus="yes">
        <source>Offline — %n changes will sync when you&apos;re back online</source>
        <translation>
            <numerusform>Offline — %n change will sync when you&apos;re back online</numerusform>
            <numerusform>Offline — %n changes will sync when you&apos;re back online</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n changes could not be synced: the server refused them.</source>
        <translation>
            <numerusform>%n change could not be synced: the server refused it.</numerusform>
            <numerusform>%n changes could not be synced: the server refused them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n changes were set aside because the server refused them; editing the entry again sends it again.</source>
        <translation>
            <numerusform>%n change was set aside because the server refused it; editing the entry again sends it again.</numerusform>
            <numerusform>%n changes were set aside because the server refused them; editing the entry again sends it again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::SyncSettings</name>
    <message numerus="yes">
        <source>%n change(s) waiting.</source>
        <comment>not yet synced</comment>
        <translation>
            <numerusform>%n change waiting.</numerusform>
            <numerusform>%n changes waiting.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::SyncStatusIndicator</name>
    <message numerus="yes">
        <source>%n waiting</source>
        <comment>changes not yet synced</comment>
        <translation>
            <numerusform>%n waiting</numerusform>
            <numerusform>%n waiting</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::sync::SyncWorker</name>
    <message numerus="yes">
        <source>%n records erased from the server.</source>
        <translation>
            <numerusform>%n record erased from the server.</numerusform>
            <numerusform>%n records erased from the server.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::ReminderService</name>
    <message numerus="yes">
        <source>%n reminders while the computer was asleep</source>
        <translation>
            <numerusform>%n reminder while the computer was asleep</numerusform>
            <numerusform>%n reminders while the computer was asleep</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::TrayIcon</name>
    <message numerus="yes">
        <source>%n doses due</source>
        <translation>
            <numerusform>%n dose due</numerusform>
            <numerusform>%n doses due</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::RecentlyDeletedPage</name>
    <message numerus="yes">
        <source>Restore %n entries</source>
        <translation>
            <numerusform>Restore %n entry</numerusform>
            <numerusform>Restore %n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored %n entries.</source>
        <translation>
            <numerusform>Restored %n entry.</numerusform>
            <numerusform>Restored %n entries.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::TodayPage</name>
    <message numerus="yes">
        <source>%n meals: </source>
        <translation>
            <numerusform>%n meal: </numerusform>
            <numerusform>%n meals: </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hale::ReportDialog</name>
    <message numerus="yes">
        <source>Sent %n pages to the printer.</source>
        <translation>
            <numerusform>Sent %n page to the printer.</numerusform>
            <numerusform>Sent %n pages to the printer.</numerusform>
        </translation>
    </message>
</context>
</TS>
