<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Imported %n entries.</source>
        <translation>
            <numerusform>Imported %n entry.</numerusform>
            <numerusform>Imported %n entries.</numerusform>
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
    <name>RecordListPage</name>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
</context>
</TS>
