WITH x AS (SELECT * FROM sales) SELECT count(*) FROM x
