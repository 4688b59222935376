//! The risk score questionnaire: six answers, each worth the contract's points; the sum (at
//! most 100) gives the band. Answers are enums, so any other value is refused at the edge.

use super::state_enum;
use serde::{Deserialize, Serialize};

state_enum!(
    /// The band of the latest risk score.
    RiskBand { Low => "LOW", Medium => "MEDIUM", High => "HIGH" }
);

state_enum!(
    /// Years in the current job or business.
    JobAge { Lt1 => "lt_1", From1To3 => "1_3", From3To5 => "3_5", Gt5 => "gt_5" }
);
state_enum!(
    /// People in the household.
    Family { One => "1", From2To3 => "2_3", From4To5 => "4_5", Gt5 => "gt_5" }
);
state_enum!(
    /// Age bracket.
    AgeBracket { From18To25 => "18_25", From26To35 => "26_35", From36To50 => "36_50", Gt50 => "gt_50" }
);
state_enum!(
    /// Share of income saved, in percent.
    Saving { None => "none", Lt10 => "lt_10", From10To25 => "10_25", Gt25 => "gt_25" }
);
state_enum!(
    /// Loans currently held.
    Loans { None => "none", One => "1", From2To3 => "2_3", Gt3 => "gt_3" }
);
state_enum!(
    /// Where the person lives.
    Living { Own => "own", Family => "family", Rented => "rented", Other => "other" }
);

/// The six answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAnswers {
    pub job_age: JobAge,
    pub family: Family,
    pub age: AgeBracket,
    pub saving_money: Saving,
    pub loans: Loans,
    pub living: Living,
}

/// One answer and what it scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFactor {
    /// The question (`job_age`, `family`, `age`, `saving_money`, `loans`, `living`).
    pub field: String,
    pub answer: String,
    pub points: u32,
}

/// A scored questionnaire, as stored on the user (the latest one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub score: u32,
    pub band: RiskBand,
    pub factors: Vec<RiskFactor>,
    pub assessed_at_ms: i64,
}

impl RiskAnswers {
    /// Each answer with its points, in the contract's order.
    pub fn factors(&self) -> Vec<RiskFactor> {
        let points = [
            (
                "job_age",
                self.job_age.as_str(),
                pick(self.job_age as usize, [5, 10, 15, 20]),
            ),
            (
                "family",
                self.family.as_str(),
                pick(self.family as usize, [15, 12, 8, 4]),
            ),
            (
                "age",
                self.age.as_str(),
                pick(self.age as usize, [8, 15, 12, 6]),
            ),
            (
                "saving_money",
                self.saving_money.as_str(),
                pick(self.saving_money as usize, [0, 8, 14, 20]),
            ),
            (
                "loans",
                self.loans.as_str(),
                pick(self.loans as usize, [15, 10, 5, 0]),
            ),
            (
                "living",
                self.living.as_str(),
                pick(self.living as usize, [15, 10, 6, 3]),
            ),
        ];
        points
            .into_iter()
            .map(|(field, answer, points)| RiskFactor {
                field: field.into(),
                answer: answer.into(),
                points,
            })
            .collect()
    }

    pub fn assess(&self, now_ms: i64) -> RiskAssessment {
        let factors = self.factors();
        let score = factors.iter().map(|f| f.points).sum();
        RiskAssessment {
            score,
            band: band_of(score),
            factors,
            assessed_at_ms: now_ms,
        }
    }
}

/// The points of the `i`-th option (options are declared in the table's order).
fn pick(i: usize, points: [u32; 4]) -> u32 {
    points[i]
}

/// `LOW` from 70, `MEDIUM` from 40, else `HIGH`.
pub fn band_of(score: u32) -> RiskBand {
    match score {
        70.. => RiskBand::Low,
        40..=69 => RiskBand::Medium,
        _ => RiskBand::High,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(i: usize) -> RiskAnswers {
        RiskAnswers {
            job_age: JobAge::ALL[i],
            family: Family::ALL[i],
            age: AgeBracket::ALL[i],
            saving_money: Saving::ALL[i],
            loans: Loans::ALL[i],
            living: Living::ALL[i],
        }
    }

    #[test]
    fn scores_follow_the_table() {
        // Column by column: the first, second, third and fourth option of every question
        // (job_age, family, age, saving_money, loans, living).
        let columns: [[u32; 6]; 4] = [
            [5, 15, 8, 0, 15, 15],
            [10, 12, 15, 8, 10, 10],
            [15, 8, 12, 14, 5, 6],
            [20, 4, 6, 20, 0, 3],
        ];
        let sums = columns.map(|c| c.iter().sum::<u32>());
        for (i, sum) in sums.into_iter().enumerate() {
            assert_eq!(answers(i).assess(0).score, sum, "column {i}");
        }
        let best = RiskAnswers {
            job_age: JobAge::Gt5,
            family: Family::One,
            age: AgeBracket::From26To35,
            saving_money: Saving::Gt25,
            loans: Loans::None,
            living: Living::Own,
        };
        let a = best.assess(7);
        assert_eq!((a.score, a.band, a.assessed_at_ms), (100, RiskBand::Low, 7));
        assert_eq!(
            a.factors[0],
            RiskFactor {
                field: "job_age".into(),
                answer: "gt_5".into(),
                points: 20
            }
        );
    }

    #[test]
    fn bands() {
        assert_eq!(band_of(70), RiskBand::Low);
        assert_eq!(band_of(69), RiskBand::Medium);
        assert_eq!(band_of(40), RiskBand::Medium);
        assert_eq!(band_of(39), RiskBand::High);
        assert_eq!(band_of(0), RiskBand::High);
    }
}
