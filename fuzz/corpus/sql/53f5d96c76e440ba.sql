SELECT Country, count(DISTINCT ProductNo) FROM sales GROUP BY Country
