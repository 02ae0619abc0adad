WITH a AS (SELECT * FROM sales), b AS (SELECT * FROM a), c AS (SELECT * FROM b), d AS (SELECT * FROM c) SELECT count(*) FROM d
