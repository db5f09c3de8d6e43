//! Fleet sizing: how many vehicles of a kind (or drivers) the period's
//! requests needed at most at once, against what the pool owns, said in a
//! sentence a manager can act on.

use chrono::{DateTime, Datelike};
use chrono_tz::Tz;

/// The noun for a count of a resource kind: `sedan`, `sedans`.
pub fn noun(kind: &str, n: i64) -> String {
    let (one, many) = match kind {
        "sedan" => ("sedan", "sedans"),
        "suv" => ("SUV", "SUVs"),
        "van" => ("van", "vans"),
        "minibus" => ("minibus", "minibuses"),
        "pickup" => ("pickup", "pickups"),
        "driver" => ("driver", "drivers"),
        _ => ("vehicle", "vehicles"),
    };
    if n == 1 {
        one.to_owned()
    } else {
        many.to_owned()
    }
}

/// `Monday 07/12/2026 08:00`, in office time.
pub fn when(t: DateTime<chrono::Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    format!("{:?} {}", l.weekday(), l.format("%d/%m/%Y %H:%M"))
        .replacen("Mon ", "Monday ", 1)
        .replacen("Tue ", "Tuesday ", 1)
        .replacen("Wed ", "Wednesday ", 1)
        .replacen("Thu ", "Thursday ", 1)
        .replacen("Fri ", "Friday ", 1)
        .replacen("Sat ", "Saturday ", 1)
        .replacen("Sun ", "Sunday ", 1)
}

/// `Monday 07/12/2026 08:00–10:00`, or both ends in full when the peak
/// spans days.
pub fn span(from: DateTime<chrono::Utc>, to: DateTime<chrono::Utc>, tz: Tz) -> String {
    let (a, b) = (from.with_timezone(&tz), to.with_timezone(&tz));
    if a.date_naive() == b.date_naive() {
        format!("{}–{}", when(from, tz), b.format("%H:%M"))
    } else {
        format!("{} – {}", when(from, tz), when(to, tz))
    }
}

/// The verdict on one kind: `owned` in the pool, `needed` at the peak
/// (`peak` says when it first held).
pub fn sentence(kind: &str, owned: i64, needed: i64, peak: Option<String>) -> String {
    let diff = owned - needed;
    let at = peak.map(|p| format!(" ({p})")).unwrap_or_default();
    if owned == 0 && needed == 0 {
        return format!("No {} requested and none owned.", noun(kind, 1));
    }
    match diff {
        d if d > 0 => format!(
            "The pool owns {owned} {} and needed at most {needed} at once{at}: it could release {d} {}.",
            noun(kind, owned),
            noun(kind, d)
        ),
        0 => format!(
            "The pool's {owned} {} {} just enough: {needed} needed at once{at}.",
            noun(kind, owned),
            if owned == 1 { "was" } else { "were" }
        ),
        d => {
            let short = -d;
            let peak = at
                .trim_start()
                .trim_start_matches('(')
                .trim_end_matches(')');
            format!(
                "{peak} is {short} {} short: {needed} requests at once, {owned} owned.",
                noun(kind, short)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_say_what_to_do() {
        assert_eq!(
            sentence("sedan", 5, 2, Some("Monday 07/12/2026 08:00–10:00".into())),
            "The pool owns 5 sedans and needed at most 2 at once (Monday 07/12/2026 08:00–10:00): it could release 3 sedans."
        );
        assert_eq!(
            sentence("van", 2, 6, Some("Monday 07/12/2026 08:00–10:00".into())),
            "Monday 07/12/2026 08:00–10:00 is 4 vans short: 6 requests at once, 2 owned."
        );
        assert_eq!(
            sentence("suv", 1, 1, None),
            "The pool's 1 SUV was just enough: 1 needed at once."
        );
        assert_eq!(
            sentence("minibus", 0, 0, None),
            "No minibus requested and none owned."
        );
        assert_eq!(noun("driver", 1), "driver");
    }

    #[test]
    fn peaks_are_told_in_office_time() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let a = "2026-12-07T01:00:00Z".parse().unwrap();
        let b = "2026-12-07T03:00:00Z".parse().unwrap();
        assert_eq!(span(a, b, tz), "Monday 07/12/2026 08:00–10:00");
        let c = "2026-12-08T03:00:00Z".parse().unwrap();
        assert_eq!(
            span(a, c, tz),
            "Monday 07/12/2026 08:00 – Tuesday 08/12/2026 10:00"
        );
    }
}
