#pragma once

#include <QList>
#include <QWidget>

namespace hale {

// A small line of a series' shape, without axes: the trend at a glance on
// Today's cards. Drawn in the palette's highlight colour; what it shows is
// said in its accessible description (set by its owner).
class Sparkline : public QWidget
{
    Q_OBJECT

public:
    explicit Sparkline(QWidget *parent = nullptr);
    void setValues(const QList<double> &values);
    const QList<double> &values() const { return m_values; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<double> m_values;
};

} // namespace hale
