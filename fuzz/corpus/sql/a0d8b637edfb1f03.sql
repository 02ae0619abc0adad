SELECT a.TransactionNo, a.ProductNo, b.ProductNo FROM sales a JOIN sales b ON a.TransactionNo = b.TransactionNo AND a.Quantity = b.Quantity WHERE a.Country = 'Germany' AND a.ProductNo < b.ProductNo
