DROP TABLE stocktake_discrepancies;
DROP TABLE stocktake_counts;
DROP TABLE stocktakes;
DROP TABLE asset_history;
DROP TABLE wear_runs;
DROP TABLE asset_requests;
DROP TABLE assets;
DROP TABLE asset_categories;
