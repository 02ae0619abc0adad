SELECT TransactionNo, ProductNo, Quantity FROM sales WHERE Quantity >= 48 AND Country <> 'United Kingdom'
