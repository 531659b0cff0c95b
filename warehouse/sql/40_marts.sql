-- Marts: what analysts read. Derived tables, rebuilt whole by `pmpulse marts` (and at the end
-- of `pmpulse run`) from postings + skill_mentions (warehouse/marts.py computes them with
-- transforms/trends.py). Every share comes with its Wilson 95 % interval.
--
-- How to choose:
-- * grain: every *_demand table holds 'month', 'quarter' and 'year' rows: filter `grain`.
-- * with_multi_role: true = every PM posting; false = only posts advertising PM roles alone
--   (HN posts listing several kinds of roles are left out).
-- * the *_monthly views are the common case: grain = 'month' and with_multi_role = true.
-- * reliable = false marks periods with fewer PM postings than the build's minimum
--   (mart_builds.min_postings): read their shares with care (the interval is wide), and
--   trend tests leave them out.
-- Column meanings: COMMENT ON COLUMN below (see duckdb_columns()) and docs/marts.md.

CREATE TABLE IF NOT EXISTS mart_builds (
    built_at         TIMESTAMPTZ PRIMARY KEY,
    postings         BIGINT NOT NULL,
    pm_postings      BIGINT NOT NULL,
    mentions         BIGINT NOT NULL,
    taxonomy_version VARCHAR,
    min_postings     INTEGER NOT NULL,
    seconds          DOUBLE NOT NULL,
    detail           VARCHAR
);
COMMENT ON TABLE mart_builds IS 'One row per rebuild of the marts: what they were built from.';
COMMENT ON COLUMN mart_builds.built_at IS 'when the marts were rebuilt (UTC)';
COMMENT ON COLUMN mart_builds.postings IS 'rows of postings at the time';
COMMENT ON COLUMN mart_builds.pm_postings IS 'PM postings counted by the marts (is_pm, skills extracted)';
COMMENT ON COLUMN mart_builds.mentions IS 'distinct (PM posting, skill) pairs counted';
COMMENT ON COLUMN mart_builds.taxonomy_version IS 'skills taxonomy version of the mentions (null: no skills tables)';
COMMENT ON COLUMN mart_builds.min_postings IS 'a period with fewer PM postings is flagged reliable = false and left out of trend tests';
COMMENT ON COLUMN mart_builds.seconds IS 'how long the rebuild took';
COMMENT ON COLUMN mart_builds.detail IS 'JSON: rows written per mart, whether clusters were present';

CREATE TABLE IF NOT EXISTS posting_coverage (
    grain               VARCHAR NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    period              DATE NOT NULL,
    label               VARCHAR NOT NULL,
    postings            BIGINT NOT NULL,
    pm_postings         BIGINT NOT NULL,
    pm_single_role      BIGINT NOT NULL,
    pm_extracted        BIGINT NOT NULL,
    pm_with_skills      BIGINT NOT NULL,
    reliable            BOOLEAN NOT NULL,
    PRIMARY KEY (grain, period)
);
COMMENT ON TABLE posting_coverage IS 'How much data each period has: all postings, PM postings, and whether the period is reliable.';
COMMENT ON COLUMN posting_coverage.grain IS 'month, quarter or year';
COMMENT ON COLUMN posting_coverage.period IS 'first day of the period';
COMMENT ON COLUMN posting_coverage.label IS 'readable period: 2014-05, 2014-Q2 or 2014';
COMMENT ON COLUMN posting_coverage.postings IS 'all postings of the period (PM or not)';
COMMENT ON COLUMN posting_coverage.pm_postings IS 'PM postings (is_pm) of the period';
COMMENT ON COLUMN posting_coverage.pm_single_role IS 'PM postings that advertise PM roles only (multi_role = false)';
COMMENT ON COLUMN posting_coverage.pm_extracted IS 'PM postings whose skills were extracted: the postings the demand marts count';
COMMENT ON COLUMN posting_coverage.pm_with_skills IS 'PM postings with at least one skill mention';
COMMENT ON COLUMN posting_coverage.reliable IS 'pm_extracted >= mart_builds.min_postings';

CREATE TABLE IF NOT EXISTS category_demand (
    grain           VARCHAR NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    period          DATE NOT NULL,
    label           VARCHAR NOT NULL,
    with_multi_role BOOLEAN NOT NULL,
    category        VARCHAR NOT NULL,
    type            VARCHAR NOT NULL CHECK (type IN ('hard', 'soft', 'certification')),
    postings_with   BIGINT NOT NULL,
    postings_total  BIGINT NOT NULL,
    share           DOUBLE,
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    reliable        BOOLEAN NOT NULL,
    PRIMARY KEY (grain, period, with_multi_role, category)
);
COMMENT ON TABLE category_demand IS 'Share of PM postings demanding each skill category, per period, with Wilson 95 % intervals.';
COMMENT ON COLUMN category_demand.grain IS 'month, quarter or year';
COMMENT ON COLUMN category_demand.period IS 'first day of the period';
COMMENT ON COLUMN category_demand.label IS 'readable period: 2014-05, 2014-Q2 or 2014';
COMMENT ON COLUMN category_demand.with_multi_role IS 'true: all PM postings; false: posts advertising PM roles only';
COMMENT ON COLUMN category_demand.category IS 'one of the 12 headline categories, or other_hard / other_soft';
COMMENT ON COLUMN category_demand.type IS 'hard or soft';
COMMENT ON COLUMN category_demand.postings_with IS 'PM postings of the period demanding at least one skill of the category';
COMMENT ON COLUMN category_demand.postings_total IS 'PM postings of the period';
COMMENT ON COLUMN category_demand.share IS 'postings_with / postings_total';
COMMENT ON COLUMN category_demand.ci_low IS 'Wilson 95 % interval, lower bound of share';
COMMENT ON COLUMN category_demand.ci_high IS 'Wilson 95 % interval, upper bound of share';
COMMENT ON COLUMN category_demand.reliable IS 'postings_total >= mart_builds.min_postings';

CREATE TABLE IF NOT EXISTS hard_soft_demand (
    grain                      VARCHAR NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    period                     DATE NOT NULL,
    label                      VARCHAR NOT NULL,
    with_multi_role            BOOLEAN NOT NULL,
    postings_total             BIGINT NOT NULL,
    postings_any_hard          BIGINT NOT NULL,
    share_any_hard             DOUBLE,
    share_any_hard_ci_low      DOUBLE,
    share_any_hard_ci_high     DOUBLE,
    postings_any_soft          BIGINT NOT NULL,
    share_any_soft             DOUBLE,
    share_any_soft_ci_low      DOUBLE,
    share_any_soft_ci_high     DOUBLE,
    mean_hard_per_posting      DOUBLE,
    mean_hard_ci_low           DOUBLE,
    mean_hard_ci_high          DOUBLE,
    mean_soft_per_posting      DOUBLE,
    mean_soft_ci_low           DOUBLE,
    mean_soft_ci_high          DOUBLE,
    soft_to_hard_ratio         DOUBLE,
    soft_to_hard_ratio_ci_low  DOUBLE,
    soft_to_hard_ratio_ci_high DOUBLE,
    reliable                   BOOLEAN NOT NULL,
    PRIMARY KEY (grain, period, with_multi_role)
);
COMMENT ON TABLE hard_soft_demand IS 'Hard vs soft skill demand of PM postings per period, every figure with its 95 % interval.';
COMMENT ON COLUMN hard_soft_demand.grain IS 'month, quarter or year';
COMMENT ON COLUMN hard_soft_demand.period IS 'first day of the period';
COMMENT ON COLUMN hard_soft_demand.label IS 'readable period: 2014-05, 2014-Q2 or 2014';
COMMENT ON COLUMN hard_soft_demand.with_multi_role IS 'true: all PM postings; false: posts advertising PM roles only';
COMMENT ON COLUMN hard_soft_demand.postings_total IS 'PM postings of the period';
COMMENT ON COLUMN hard_soft_demand.postings_any_hard IS 'PM postings demanding at least one hard skill (any category, other_hard included)';
COMMENT ON COLUMN hard_soft_demand.share_any_hard IS 'postings_any_hard / postings_total';
COMMENT ON COLUMN hard_soft_demand.share_any_hard_ci_low IS 'Wilson 95 % interval, lower bound';
COMMENT ON COLUMN hard_soft_demand.share_any_hard_ci_high IS 'Wilson 95 % interval, upper bound';
COMMENT ON COLUMN hard_soft_demand.postings_any_soft IS 'PM postings demanding at least one soft skill (any category, other_soft included)';
COMMENT ON COLUMN hard_soft_demand.share_any_soft IS 'postings_any_soft / postings_total';
COMMENT ON COLUMN hard_soft_demand.share_any_soft_ci_low IS 'Wilson 95 % interval, lower bound';
COMMENT ON COLUMN hard_soft_demand.share_any_soft_ci_high IS 'Wilson 95 % interval, upper bound';
COMMENT ON COLUMN hard_soft_demand.mean_hard_per_posting IS 'mean number of distinct hard skills a PM posting demands (postings with none count as 0)';
COMMENT ON COLUMN hard_soft_demand.mean_hard_ci_low IS '95 % interval of the mean (normal: mean - 1.96 sd / sqrt(n)), lower bound';
COMMENT ON COLUMN hard_soft_demand.mean_hard_ci_high IS '95 % interval of the mean, upper bound';
COMMENT ON COLUMN hard_soft_demand.mean_soft_per_posting IS 'mean number of distinct soft skills a PM posting demands';
COMMENT ON COLUMN hard_soft_demand.mean_soft_ci_low IS '95 % interval of the mean, lower bound';
COMMENT ON COLUMN hard_soft_demand.mean_soft_ci_high IS '95 % interval of the mean, upper bound';
COMMENT ON COLUMN hard_soft_demand.soft_to_hard_ratio IS 'mean_soft_per_posting / mean_hard_per_posting (null when no hard skill)';
COMMENT ON COLUMN hard_soft_demand.soft_to_hard_ratio_ci_low IS '95 % interval of the ratio (delta method on the log scale), lower bound';
COMMENT ON COLUMN hard_soft_demand.soft_to_hard_ratio_ci_high IS '95 % interval of the ratio, upper bound';
COMMENT ON COLUMN hard_soft_demand.reliable IS 'postings_total >= mart_builds.min_postings';

CREATE TABLE IF NOT EXISTS mix_adjusted_demand (
    grain           VARCHAR NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    period          DATE NOT NULL,
    label           VARCHAR NOT NULL,
    with_multi_role BOOLEAN NOT NULL,
    level           VARCHAR NOT NULL CHECK (level IN ('type', 'category')),
    item            VARCHAR NOT NULL,
    type            VARCHAR NOT NULL,
    postings_total  BIGINT NOT NULL,
    share           DOUBLE,
    share_adjusted  DOUBLE,
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    effective_n     DOUBLE,
    mix_coverage    DOUBLE,
    reliable        BOOLEAN NOT NULL,
    PRIMARY KEY (grain, period, with_multi_role, level, item)
);
COMMENT ON TABLE mix_adjusted_demand IS 'Shares reweighted to one fixed seniority x remote mix, so a change in who posts is not read as a change in what is asked.';
COMMENT ON COLUMN mix_adjusted_demand.grain IS 'month, quarter or year';
COMMENT ON COLUMN mix_adjusted_demand.period IS 'first day of the period';
COMMENT ON COLUMN mix_adjusted_demand.label IS 'readable period: 2014-05, 2014-Q2 or 2014';
COMMENT ON COLUMN mix_adjusted_demand.with_multi_role IS 'true: all PM postings; false: posts advertising PM roles only';
COMMENT ON COLUMN mix_adjusted_demand.level IS 'type (item = hard / soft: any skill of that type) or category (item = a skill category)';
COMMENT ON COLUMN mix_adjusted_demand.item IS 'hard, soft, or a category name';
COMMENT ON COLUMN mix_adjusted_demand.type IS 'hard or soft';
COMMENT ON COLUMN mix_adjusted_demand.postings_total IS 'PM postings of the period';
COMMENT ON COLUMN mix_adjusted_demand.share IS 'raw share of postings demanding the item (as in the unadjusted marts)';
COMMENT ON COLUMN mix_adjusted_demand.share_adjusted IS 'share if the period had the reference mix (seniority band x remote of all PM postings in the build)';
COMMENT ON COLUMN mix_adjusted_demand.ci_low IS 'Wilson 95 % interval of share_adjusted at the effective sample size, lower bound';
COMMENT ON COLUMN mix_adjusted_demand.ci_high IS 'Wilson 95 % interval of share_adjusted, upper bound';
COMMENT ON COLUMN mix_adjusted_demand.effective_n IS 'Kish effective sample size 1 / sum(w^2): below postings_total when the weights are uneven';
COMMENT ON COLUMN mix_adjusted_demand.mix_coverage IS 'reference weight of the strata present in the period (1 = fully standardized; absent strata are left out and the rest rescaled)';
COMMENT ON COLUMN mix_adjusted_demand.reliable IS 'postings_total >= mart_builds.min_postings';

CREATE TABLE IF NOT EXISTS skill_demand (
    grain           VARCHAR NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    period          DATE NOT NULL,
    label           VARCHAR NOT NULL,
    with_multi_role BOOLEAN NOT NULL,
    level           VARCHAR NOT NULL CHECK (level IN ('skill', 'cluster', 'dk_group')),
    item_id         VARCHAR NOT NULL,
    name            VARCHAR,
    type            VARCHAR,
    category        VARCHAR,
    postings_with   BIGINT NOT NULL,
    postings_total  BIGINT NOT NULL,
    share           DOUBLE,
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    reliable        BOOLEAN NOT NULL,
    PRIMARY KEY (grain, period, with_multi_role, level, item_id)
);
COMMENT ON TABLE skill_demand IS 'Share of PM postings demanding each skill (and each skill cluster, and each Deming-Kahn group), per period.';
COMMENT ON COLUMN skill_demand.grain IS 'month, quarter or year';
COMMENT ON COLUMN skill_demand.period IS 'first day of the period';
COMMENT ON COLUMN skill_demand.label IS 'readable period: 2014-05, 2014-Q2 or 2014';
COMMENT ON COLUMN skill_demand.with_multi_role IS 'true: all PM postings; false: posts advertising PM roles only';
COMMENT ON COLUMN skill_demand.level IS 'skill (a taxonomy skill), cluster (a skill cluster, when clusters exist) or dk_group (a Deming-Kahn group)';
COMMENT ON COLUMN skill_demand.item_id IS 'skill id, cluster id or Deming-Kahn group';
COMMENT ON COLUMN skill_demand.name IS 'readable name';
COMMENT ON COLUMN skill_demand.type IS 'hard, soft or certification (clusters and groups: the most common type of their skills)';
COMMENT ON COLUMN skill_demand.category IS 'headline category of the skill (clusters and groups: the most common one)';
COMMENT ON COLUMN skill_demand.postings_with IS 'PM postings of the period demanding the item (a cluster or group: any of its skills)';
COMMENT ON COLUMN skill_demand.postings_total IS 'PM postings of the period';
COMMENT ON COLUMN skill_demand.share IS 'postings_with / postings_total (items never demanded in the build have no rows)';
COMMENT ON COLUMN skill_demand.ci_low IS 'Wilson 95 % interval, lower bound';
COMMENT ON COLUMN skill_demand.ci_high IS 'Wilson 95 % interval, upper bound';
COMMENT ON COLUMN skill_demand.reliable IS 'postings_total >= mart_builds.min_postings';

CREATE TABLE IF NOT EXISTS skill_trends (
    level                 VARCHAR NOT NULL CHECK (level IN ('type', 'category', 'skill', 'cluster', 'dk_group')),
    with_multi_role       BOOLEAN NOT NULL,
    item_id               VARCHAR NOT NULL,
    name                  VARCHAR,
    type                  VARCHAR,
    category              VARCHAR,
    first_period          DATE,
    last_period           DATE,
    periods_used          BIGINT,
    postings              BIGINT,
    postings_with         BIGINT,
    share                 DOUBLE,
    slope_per_year        DOUBLE,
    slope_ci_low          DOUBLE,
    slope_ci_high         DOUBLE,
    odds_ratio_per_year   DOUBLE,
    share_change_per_year DOUBLE,
    fitted_share_first    DOUBLE,
    fitted_share_last     DOUBLE,
    dispersion            DOUBLE,
    z                     DOUBLE,
    p_value               DOUBLE,
    q_value               DOUBLE,
    direction             VARCHAR NOT NULL CHECK (direction IN ('rising', 'falling', 'flat', 'insufficient')),
    PRIMARY KEY (level, with_multi_role, item_id)
);
COMMENT ON TABLE skill_trends IS 'Is demand rising, falling or flat? Logistic regression of demand on time over the reliable months, quasi-binomial Wald test, Benjamini-Hochberg per level.';
COMMENT ON COLUMN skill_trends.level IS 'type (hard / soft: any skill of the type), category, skill, cluster or dk_group';
COMMENT ON COLUMN skill_trends.with_multi_role IS 'true: all PM postings; false: posts advertising PM roles only';
COMMENT ON COLUMN skill_trends.item_id IS 'hard / soft, category, skill id, cluster id or Deming-Kahn group';
COMMENT ON COLUMN skill_trends.name IS 'readable name';
COMMENT ON COLUMN skill_trends.type IS 'hard, soft or certification';
COMMENT ON COLUMN skill_trends.category IS 'headline category (skills; clusters and groups: the most common one)';
COMMENT ON COLUMN skill_trends.first_period IS 'first reliable month used';
COMMENT ON COLUMN skill_trends.last_period IS 'last reliable month used';
COMMENT ON COLUMN skill_trends.periods_used IS 'reliable months used (months below mart_builds.min_postings are left out)';
COMMENT ON COLUMN skill_trends.postings IS 'PM postings in the months used';
COMMENT ON COLUMN skill_trends.postings_with IS 'of which demanding the item';
COMMENT ON COLUMN skill_trends.share IS 'postings_with / postings over the months used';
COMMENT ON COLUMN skill_trends.slope_per_year IS 'change in the log-odds of demand per year (logistic regression on time)';
COMMENT ON COLUMN skill_trends.slope_ci_low IS '95 % interval of the slope (quasi-binomial Wald), lower bound';
COMMENT ON COLUMN skill_trends.slope_ci_high IS '95 % interval of the slope, upper bound';
COMMENT ON COLUMN skill_trends.odds_ratio_per_year IS 'exp(slope_per_year): multiplier of the odds of demand per year';
COMMENT ON COLUMN skill_trends.share_change_per_year IS 'slope in share points per year at the overall share: slope * share * (1 - share)';
COMMENT ON COLUMN skill_trends.fitted_share_first IS 'fitted share at first_period';
COMMENT ON COLUMN skill_trends.fitted_share_last IS 'fitted share at last_period';
COMMENT ON COLUMN skill_trends.dispersion IS 'Pearson dispersion of the monthly counts; the slope variance is multiplied by it when above 1';
COMMENT ON COLUMN skill_trends.z IS 'Wald statistic of the slope';
COMMENT ON COLUMN skill_trends.p_value IS 'two-sided p-value of the slope (null when insufficient)';
COMMENT ON COLUMN skill_trends.q_value IS 'Benjamini-Hochberg adjusted p-value across the items of the same level and with_multi_role';
COMMENT ON COLUMN skill_trends.direction IS 'rising / falling when q_value < 0.05, flat otherwise; insufficient when too few postings with or without the item (< 10) or too few reliable months (< 6)';

-- The common cases, named as analysts ask for them: months, every PM posting.
CREATE OR REPLACE VIEW category_demand_monthly AS
SELECT period AS month, category, type, postings_with, postings_total, share, ci_low, ci_high, reliable
FROM category_demand WHERE grain = 'month' AND with_multi_role;
COMMENT ON VIEW category_demand_monthly IS 'category_demand for months, every PM posting.';

CREATE OR REPLACE VIEW hard_soft_monthly AS
SELECT period AS month, * EXCLUDE (grain, period, label, with_multi_role)
FROM hard_soft_demand WHERE grain = 'month' AND with_multi_role;
COMMENT ON VIEW hard_soft_monthly IS 'hard_soft_demand for months, every PM posting.';

CREATE OR REPLACE VIEW hard_soft_mix_adjusted_monthly AS
SELECT period AS month, item AS type, postings_total, share, share_adjusted, ci_low, ci_high,
       effective_n, mix_coverage, reliable
FROM mix_adjusted_demand WHERE grain = 'month' AND with_multi_role AND level = 'type';
COMMENT ON VIEW hard_soft_mix_adjusted_monthly IS 'Mix-adjusted share of PM postings demanding any hard / any soft skill, by month.';

CREATE OR REPLACE VIEW skill_demand_monthly AS
SELECT period AS month, level, item_id, name, type, category, postings_with, postings_total,
       share, ci_low, ci_high, reliable
FROM skill_demand WHERE grain = 'month' AND with_multi_role;
COMMENT ON VIEW skill_demand_monthly IS 'skill_demand for months, every PM posting (level: skill, cluster or dk_group).';

-- Wilson 95 % interval for ad-hoc shares: wilson_low(k, n), wilson_high(k, n) (same formula as
-- transforms/trends.py; z := 2.5758 for 99 %).
-- (exactly 0 when k = 0 and 1 when k = n: there the terms cancel, in floating point not quite)
CREATE OR REPLACE MACRO wilson_low(k, n, z := 1.959963984540054) AS
    CASE WHEN n > 0 AND k <= 0 THEN 0.0
         WHEN n > 0 THEN greatest(0.0, ((k / n) + z * z / (2 * n)
        - z * sqrt((k / n) * (1 - k / n) / n + z * z / (4 * n * n))) / (1 + z * z / n)) END;
CREATE OR REPLACE MACRO wilson_high(k, n, z := 1.959963984540054) AS
    CASE WHEN n > 0 AND k >= n THEN 1.0
         WHEN n > 0 THEN least(1.0, ((k / n) + z * z / (2 * n)
        + z * sqrt((k / n) * (1 - k / n) / n + z * z / (4 * n * n))) / (1 + z * z / n)) END;
