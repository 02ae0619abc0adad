SELECT v1.Country, count(*) FROM nested v1 LEFT JOIN nested v2 ON v1.TransactionNo = v2.TransactionNo AND v1.ProductNo = v2.ProductNo WHERE v2.TransactionNo IS NULL GROUP BY v1.Country
