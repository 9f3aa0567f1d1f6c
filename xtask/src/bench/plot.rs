//! The waiting trade-off as a picture: polls and delay against a job's length, for each polling
//! strategy, from the curves the waiting benchmark writes (`strategy,length,polls,delay` rows).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use plotters::prelude::*;

/// One strategy's points: (length, polls, delay), by increasing length.
type Curve = Vec<(f64, f64, f64)>;

/// Line colours, one per strategy in name order (the engine's first), distinct on white: the
/// "tab10" palette's first five. The engine's lines are also the thick ones.
const COLOURS: [RGBColor; 5] = [
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
];

/// Reads the benchmark's CSV.
pub fn read_curves(csv: &str) -> Result<BTreeMap<String, Curve>> {
    let mut curves: BTreeMap<String, Curve> = BTreeMap::new();
    for (index, line) in csv.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [strategy, length, polls, delay] = fields[..] else {
            anyhow::bail!("line {}: expected 4 fields: {line}", index + 1);
        };
        let number = |field: &str| -> Result<f64> {
            field
                .parse()
                .with_context(|| format!("line {}: `{field}` is not a number", index + 1))
        };
        curves.entry(strategy.to_owned()).or_default().push((
            number(length)?,
            number(polls)?,
            number(delay)?,
        ));
    }
    anyhow::ensure!(!curves.is_empty(), "the benchmark wrote no curves");
    Ok(curves)
}

/// Draws polls (left) and mean delay (right) against job length, both axes logarithmic, into an
/// SVG file at `path`.
pub fn draw(curves: &BTreeMap<String, Curve>, path: &Path) -> Result<()> {
    let root = SVGBackend::new(path, (1200, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(600);
    let longest = curves
        .values()
        .flatten()
        .map(|point| point.0)
        .fold(1.0, f64::max);
    panel(
        &left,
        curves,
        "Polls until the job is seen done",
        "polls",
        longest,
        |point| point.1,
    )?;
    panel(
        &right,
        curves,
        "Mean delay after the job's end",
        "seconds",
        longest,
        |point| point.2,
    )?;
    root.present()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// One chart: `value` of each curve against length.
fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    curves: &BTreeMap<String, Curve>,
    title: &str,
    unit: &str,
    longest: f64,
    value: impl Fn(&(f64, f64, f64)) -> f64,
) -> Result<()> {
    let values = curves.values().flatten().map(&value);
    let highest = values.clone().fold(1.0, f64::max);
    // Delays of zero cannot sit on a log scale: the axis starts a little above.
    let lowest = values
        .filter(|v| *v > 0.0)
        .fold(highest, f64::min)
        .max(0.01);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(52)
        .build_cartesian_2d(
            (1.0..longest).log_scale(),
            (lowest * 0.8..highest * 1.25).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("job length (s)")
        .y_desc(unit)
        .draw()?;
    for (index, (strategy, points)) in curves.iter().enumerate() {
        let color = COLOURS[index % COLOURS.len()].to_rgba();
        let style = ShapeStyle {
            color,
            filled: false,
            stroke_width: if strategy.starts_with("engine") { 3 } else { 1 },
        };
        chart
            .draw_series(LineSeries::new(
                points
                    .iter()
                    .map(|point| (point.0, value(point).max(lowest))),
                style,
            ))?
            .label(strategy.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "strategy,length,polls,delay\n\
        engine,1.000,1.2,0.30\n\
        engine,10.000,5.0,1.50\n\
        fixed 2 s,1.000,2.0,1.00\n\
        fixed 2 s,10.000,6.0,1.00\n";

    #[test]
    fn curves_are_read_per_strategy_and_bad_rows_are_refused() {
        let curves = read_curves(CSV).unwrap();
        assert_eq!(curves.len(), 2);
        assert_eq!(curves["engine"], vec![(1.0, 1.2, 0.3), (10.0, 5.0, 1.5)]);
        assert!(read_curves("strategy,length,polls,delay\nengine,1,2\n").is_err());
        assert!(read_curves("strategy,length,polls,delay\nengine,one,2,3\n").is_err());
        assert!(read_curves("strategy,length,polls,delay\n").is_err());
    }

    #[test]
    fn the_plot_is_an_svg_naming_every_strategy() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("waiting.svg");
        draw(&read_curves(CSV).unwrap(), &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        for text in ["engine", "fixed 2 s", "Polls until", "Mean delay"] {
            assert!(svg.contains(text), "{text} missing");
        }
    }
}
