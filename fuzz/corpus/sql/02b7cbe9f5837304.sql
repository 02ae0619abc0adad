SELECT count(*), count(DISTINCT p.ProductNo) FROM products p JOIN sales g ON p.ProductNo = g.ProductNo
