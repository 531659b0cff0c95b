-- Skills: the taxonomy the mentions were found with, the mentions, and what was extracted when.
-- Written by `flows/skills.py` (extract_skills) through warehouse/skills.py. Every mention
-- points at exact characters: substr(p.description_text, m.start + 1, m."end" - m.start)
-- = m.matched_text (offsets are 0-based, end exclusive, in characters).

CREATE TABLE IF NOT EXISTS skills (
    skill_id         VARCHAR PRIMARY KEY,    -- stable id, e.g. 'sql', 'ab_testing', 'stakeholder_management'
    name             VARCHAR NOT NULL,       -- canonical name, readable
    type             VARCHAR NOT NULL CHECK (type IN ('hard', 'soft', 'certification')),
    category         VARCHAR NOT NULL CHECK (category IN (
                         'data_analysis', 'market_research', 'roadmap_prioritization',
                         'ux_ui_design', 'technical_knowledge', 'agile', 'ab_testing',
                         'interpersonal', 'communication_storytelling', 'creative_thinking',
                         'empathy', 'influence_without_authority', 'other_hard', 'other_soft')),
    esco_id          VARCHAR,                -- ESCO v1.1.1 skill concept id (UUID), null when none fits
    dk_group         VARCHAR NOT NULL CHECK (dk_group IN (
                         'cognitive', 'social', 'character', 'writing', 'customer_service',
                         'project_management', 'people_management', 'financial', 'computer',
                         'software')),
    aliases          VARCHAR[] NOT NULL,     -- surface-form patterns ({a|b} alternatives, [x] optional)
    taxonomy_version VARCHAR NOT NULL        -- version of the seed files this row came from
);
COMMENT ON TABLE skills IS 'The PM skills taxonomy the stored mentions were extracted with (one version at a time).';
COMMENT ON COLUMN skills.category IS 'one of the twelve headline categories of gold/GUIDE.md, or other_hard / other_soft';
COMMENT ON COLUMN skills.dk_group IS 'Deming-Kahn style skill group, for the third reporting scheme';

CREATE TABLE IF NOT EXISTS skill_mentions (
    posting_id       VARCHAR NOT NULL,       -- postings.posting_id
    skill_id         VARCHAR NOT NULL,       -- skills.skill_id
    start            INTEGER NOT NULL CHECK (start >= 0),  -- first character, 0-based, in postings.description_text
    "end"            INTEGER NOT NULL,       -- one past the last character ("end" is reserved: quote it)
    matched_text     VARCHAR NOT NULL,       -- the characters at [start, end), as written
    type             VARCHAR NOT NULL CHECK (type IN ('hard', 'soft', 'certification')),
    category         VARCHAR NOT NULL,       -- skills.category at extraction time
    taxonomy_version VARCHAR NOT NULL,       -- skills.taxonomy_version used
    PRIMARY KEY (posting_id, start, skill_id),
    CHECK ("end" > start),
    CHECK (length(matched_text) = "end" - start)
);
COMMENT ON TABLE skill_mentions IS 'Each skill a posting demands, where: context rules already dropped the company''s own words, other roles and negations.';

CREATE TABLE IF NOT EXISTS skill_extractions (
    posting_id       VARCHAR PRIMARY KEY,    -- postings.posting_id
    content_hash     VARCHAR NOT NULL,       -- postings.content_hash of the text that was read
    taxonomy_version VARCHAR NOT NULL,       -- taxonomy used
    mentions         INTEGER NOT NULL CHECK (mentions >= 0),  -- rows written to skill_mentions
    extracted_at     TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE skill_extractions IS 'Which version of each posting was read with which taxonomy: the next extraction skips postings whose content_hash and taxonomy_version are unchanged.';

CREATE OR REPLACE VIEW posting_skill_categories AS
SELECT posting_id,
       list(DISTINCT category ORDER BY category) AS categories
FROM skill_mentions
WHERE category NOT IN ('other_hard', 'other_soft')
GROUP BY posting_id;
COMMENT ON VIEW posting_skill_categories IS 'The headline categories each posting demands (postings without any are absent).';

-- Additive (a warehouse made before still opens): the match mode of each alias pattern, so
-- a reader can expand the stored patterns to the forms the extraction matched
-- (transforms.skills.surface_forms: 'word' adds plurals, 'exact' does not, 'case' keeps case).
ALTER TABLE skills ADD COLUMN IF NOT EXISTS alias_matches VARCHAR[];
COMMENT ON COLUMN skills.alias_matches IS 'match mode of each entry of aliases, same order (''word'' | ''exact'' | ''case''); null on rows written without it (readers then assume ''word'')';
