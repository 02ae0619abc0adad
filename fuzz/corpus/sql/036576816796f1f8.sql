SELECT s.TransactionNo, e.TransactionNo FROM sales s LEFT JOIN sales e ON s.TransactionNo = e.TransactionNo WHERE s.Country = 'Belgium'
