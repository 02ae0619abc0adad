SELECT Country FROM sales GROUP BY Country ORDER BY Country DESC
