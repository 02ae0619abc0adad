WITH a AS (SELECT ProductNo, sum(Quantity) AS q FROM sales GROUP BY ProductNo), b AS (SELECT q, count(*) AS n FROM a GROUP BY q) SELECT q, n FROM b WHERE n > 10
