-- Skill clusters: surface forms (taxonomy aliases found in postings and candidate phrases
-- beyond the taxonomy) grouped into synonym sets, each typed hard/soft. Rebuilt whole by
-- `flows/clusters.py` (build_clusters) through warehouse/clusters.py; one model_version
-- at a time.

CREATE TABLE IF NOT EXISTS skill_clusters (
    cluster_id    INTEGER PRIMARY KEY,      -- 0.. in order of first appearance (most mentioned units first)
    label         VARCHAR NOT NULL,         -- readable name: the member with most mentions
    type          VARCHAR NOT NULL CHECK (type IN ('hard', 'soft', 'certification')),
    type_source   VARCHAR NOT NULL CHECK (type_source IN ('taxonomy', 'classifier')),
    category      VARCHAR CHECK (category IN (
                      'data_analysis', 'market_research', 'roadmap_prioritization',
                      'ux_ui_design', 'technical_knowledge', 'agile', 'ab_testing',
                      'interpersonal', 'communication_storytelling', 'creative_thinking',
                      'empathy', 'influence_without_authority', 'other_hard', 'other_soft')),
    size          INTEGER NOT NULL CHECK (size >= 1),    -- distinct surface forms
    mentions      BIGINT NOT NULL CHECK (mentions >= 1), -- mentions of all members
    model_version VARCHAR NOT NULL          -- parameters + taxonomy version + seed, hashed
);
COMMENT ON TABLE skill_clusters IS 'Synonym sets of skill surface forms, typed: from the taxonomy members (type_source taxonomy) or a classifier trained on the taxonomy (type_source classifier).';
COMMENT ON COLUMN skill_clusters.type IS 'mention-weighted majority type of taxonomy members, else the char n-gram classifier''s';
COMMENT ON COLUMN skill_clusters.category IS 'the category all taxonomy members agree on (null when they disagree); for classifier clusters the confident predicted category';

CREATE TABLE IF NOT EXISTS skill_cluster_members (
    cluster_id    INTEGER NOT NULL,         -- skill_clusters.cluster_id
    surface_form  VARCHAR NOT NULL,         -- lower case, as most often written
    skill_id      VARCHAR,                  -- skills.skill_id when the taxonomy knows the form, else null (a candidate)
    mentions      BIGINT NOT NULL CHECK (mentions >= 1),
    model_version VARCHAR NOT NULL,
    PRIMARY KEY (cluster_id, surface_form)
);
COMMENT ON TABLE skill_cluster_members IS 'Each clustered surface form and how often it was mentioned (skill_mentions plus candidate phrases in requirement-like contexts).';

CREATE TABLE IF NOT EXISTS emerging_skills (
    population    VARCHAR NOT NULL CHECK (population IN ('pm', 'all')),  -- the postings whose share is tested
    cluster_id    INTEGER NOT NULL,         -- skill_clusters.cluster_id (no taxonomy member)
    label         VARCHAR NOT NULL,
    first_month   DATE NOT NULL,            -- first month a posting of the population mentioned a member
    postings      BIGINT NOT NULL,          -- postings of the population mentioning a member
    share_before  DOUBLE NOT NULL,          -- share of the population's postings before the last 12 months
    share_recent  DOUBLE NOT NULL,          -- share in the last 12 months of data
    growth        DOUBLE,                   -- share_recent / share_before; null when unseen before
    z             DOUBLE NOT NULL,          -- Cochran-Armitage trend statistic over months
    p_value       DOUBLE NOT NULL,          -- one-sided (growth)
    q_value       DOUBLE NOT NULL,          -- Benjamini-Hochberg over the clusters tested
    model_version VARCHAR NOT NULL,
    PRIMARY KEY (population, cluster_id)
);
COMMENT ON TABLE emerging_skills IS 'Clusters outside the taxonomy whose share of postings (PM postings, or all postings) grows significantly over time (Benjamini-Hochberg q < 0.05).';
